"""Public sites inside the product (namespace "public")."""

from django.urls import path

from . import views

app_name = "public"


def _publications(kind: str, segment: str, name: str, listing: str) -> list:
    """The three pages of a kind of publication (views.KINDS): the list, show or change, and
    withdraw; e.g. sites/1/programmes/, sites/1/programmes/new/?programme=5,
    programmes/7/edit/, programmes/7/withdraw/."""
    extra = {"kind": kind}
    return [
        path(f"sites/<int:pk>/{segment}/", views.publication_list, extra, name=listing),
        path(f"sites/<int:site_pk>/{segment}/new/", views.publication_edit, extra, name=f"{name}_new"),
        path(f"{segment}/<int:pk>/edit/", views.publication_edit, extra, name=f"{name}_edit"),
        path(f"{segment}/<int:pk>/withdraw/", views.publication_withdraw, extra, name=f"{name}_withdraw"),
    ]  # fmt: skip


urlpatterns = [
    path("", views.site_list, name="sites"),
    path("sites/new/", views.site_edit, name="site_new"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:site_pk>/posts/new/", views.post_edit, name="post_new"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/publish/", views.post_publish, name="post_publish"),
    path("posts/<int:pk>/withdraw/", views.post_withdraw, name="post_withdraw"),
    path("sites/<int:pk>/comments/", views.comment_queue, name="comments"),
    path("comments/<int:pk>/<slug:action>/", views.comment_act, name="comment_act"),
    path("images/<int:pk>/", views.image_file, name="image"),
    path("images/<int:pk>/remove/", views.image_remove, name="image_remove"),
    *_publications("programme", "programmes", "programme", "programmes"),
    *_publications("survey", "surveys", "survey", "surveys"),
    *_publications("document", "documents", "document", "documents"),
    *_publications("task", "task-groups", "task_group", "task_groups"),
    *_publications("campaign", "campaigns", "campaign", "campaigns"),
]
