"""The demo's two tables, as the Wick blog created them (unmanaged)."""
from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver


@receiver(connection_created)
def sqlite_like_wick(sender, connection, **kwargs):
    """synchronous=NORMAL under WAL, as Wick's db layer runs SQLite."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=NORMAL")


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
