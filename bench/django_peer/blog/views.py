"""The four pages of the bench, doing what the Wick demo's views do.

hello: fixed bytes, no database.  posts: 20 published posts, newest first,
one more fetched to know whether a next page exists.  post: one published
post and its comments.  post_new: logged in only; a ModelForm (so the slug
is checked unique with a query), the post saved, a flash message, a 302 to
the post.
"""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .models import Comment, Post

PAGE_SIZE = 20
HELLO = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
         '<title>Hello</title></head>\n'
         '<body><p>Hello, world</p></body></html>\n')


def hello(request):
    return HttpResponse(HELLO, content_type="text/html; charset=utf-8")


def post_list(request):
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        raise Http404("Invalid page number")
    if page < 1:
        raise Http404("Invalid page number")
    start = (page - 1) * PAGE_SIZE
    rows = list(Post.objects.filter(published=True)
                .order_by("-created", "-id")[start:start + PAGE_SIZE + 1])
    if page > 1 and not rows:
        raise Http404("No such page")
    return render(request, "post_list.html", {
        "posts": rows[:PAGE_SIZE], "page": page, "has_prev": page > 1,
        "has_next": len(rows) > PAGE_SIZE})


def post_detail(request, id):
    try:
        post = Post.objects.get(id=id, published=True)
    except Post.DoesNotExist:
        raise Http404("No such post")
    comments = list(Comment.objects.filter(post=post).order_by("created", "id"))
    return render(request, "post_detail.html", {"post": post, "comments": comments})


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["title", "slug", "body"]


@login_required
def post_new(request):
    if request.method != "POST":
        return render(request, "post_form.html", {"form": PostForm()})
    form = PostForm(request.POST)
    if not form.is_valid():
        return render(request, "post_form.html", {"form": form})
    post = form.save(commit=False)
    # blog_post.author references the demo's wick_user, not auth_user.
    post.author = None
    post.author_name = request.user.username
    post.created = timezone.now()
    post.published = True
    post.save()
    messages.success(request, "Your post was published.")
    return redirect("post", id=post.id)
