"""The public sites themselves, without login (namespace "public_site"): /p/<site>/…"""

from django.urls import path

from . import views_public

app_name = "public_site"

urlpatterns = [
    path("<slug:slug>/", views_public.home, name="home"),
    path("<slug:slug>/feed.atom", views_public.feed, name="feed"),
    path("<slug:slug>/sitemap.xml", views_public.sitemap, name="sitemap"),
    path("<slug:slug>/tin/<slug:post_slug>/", views_public.post, name="post"),
    path("<slug:slug>/chuong-trinh/<int:pk>/", views_public.programme, name="programme"),
    path("<slug:slug>/y-kien/<int:pk>/bao-cao/", views_public.comment_report, name="report"),
    path("<slug:slug>/anh/<int:pk>/", views_public.image, name="image"),
    path("<slug:slug>/khao-sat/<int:pk>/", views_public.survey, name="survey"),
    path("<slug:slug>/van-ban/", views_public.documents, name="documents"),
    path("<slug:slug>/van-ban/<int:pk>/", views_public.document, name="document"),
    path("<slug:slug>/nhiem-vu/<int:pk>/", views_public.task_group, name="task"),
    path("<slug:slug>/quan-triet/<int:pk>/", views_public.campaign, name="campaign"),
    path(
        "<slug:slug>/van-ban/<int:pk>/tep/<int:file_id>/",
        views_public.document_file,
        name="document_file",
    ),
]
