"""The demo's two tables, as the Wick blog created them (unmanaged)."""
from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    body = models.TextField(blank=True)
    author_name = models.CharField(max_length=150, editable=False)
    created = models.DateTimeField(editable=False)
    published = models.BooleanField(default=False, editable=False)
    author = models.IntegerField(null=True, editable=False)

    class Meta:
        managed = False
        db_table = "blog_post"


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, db_column="post")
    name = models.CharField(max_length=100)
    body = models.TextField(max_length=5000)
    created = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "blog_comment"
