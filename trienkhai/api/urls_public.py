"""Public sites through the API (views_public)."""

from django.urls import path

from . import views_public as views

urlpatterns = [
    path("public-sites/", views.SiteList.as_view(), name="public_sites"),
    path("public-sites/<id:pk>/", views.SiteDetail.as_view(), name="public_site"),
    path("public-sites/<id:pk>/posts/", views.PostList.as_view(), name="public_site_posts"),
    path(
        "public-sites/<id:pk>/publications/",
        views.PublicationList.as_view(),
        name="public_site_publications",
    ),
    path(
        "public-sites/<id:pk>/comments/", views.CommentList.as_view(), name="public_site_comments"
    ),
    path("public-posts/<id:pk>/", views.PostDetail.as_view(), name="public_post"),
    path("public-posts/<id:pk>/publish/", views.PostPublish.as_view(), name="public_post_publish"),
    path(
        "public-posts/<id:pk>/withdraw/", views.PostWithdraw.as_view(), name="public_post_withdraw"
    ),
    path(
        "public-publications/<str:kind>/<id:pk>/",
        views.PublicationDetail.as_view(),
        name="public_publication",
    ),
    path("public-comments/<id:pk>/", views.CommentDetail.as_view(), name="public_comment"),
    path(
        "public-comments/<id:pk>/<str:action>/",
        views.CommentAct.as_view(),
        name="public_comment_act",
    ),
]
