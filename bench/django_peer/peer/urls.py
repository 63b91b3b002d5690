"""The four pages the bench drives, under the demo's paths and URL names."""
from django.urls import path

from blog import views

urlpatterns = [
    path("hello", views.hello, name="hello"),
    path("", views.post_list, name="home"),
    path("posts/", views.post_list, name="posts"),
    path("posts/<int:id>/", views.post_detail, name="post"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<int:id>/comment/", views.post_detail, name="post_comment"),
    path("accounts/login/", views.hello, name="login"),
    path("accounts/logout/", views.hello, name="logout"),
]
