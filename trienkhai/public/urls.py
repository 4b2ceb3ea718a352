"""Public sites inside the product (namespace "public")."""

from django.urls import path

from . import views

app_name = "public"

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
    path("sites/<int:pk>/programmes/", views.programme_list, name="programmes"),
    path("sites/<int:site_pk>/programmes/new/", views.programme_publish, name="programme_new"),
    path("programmes/<int:pk>/edit/", views.programme_publish, name="programme_edit"),
    path("programmes/<int:pk>/withdraw/", views.programme_withdraw, name="programme_withdraw"),
    path("sites/<int:pk>/comments/", views.comment_queue, name="comments"),
    path("sites/<int:pk>/surveys/", views.survey_list, name="surveys"),
    path("sites/<int:pk>/documents/", views.document_list, name="documents"),
    path("sites/<int:site_pk>/documents/new/", views.document_publish, name="document_new"),
    path("documents/<int:pk>/edit/", views.document_publish, name="document_edit"),
    path("documents/<int:pk>/withdraw/", views.document_withdraw, name="document_withdraw"),
    path("sites/<int:site_pk>/surveys/new/", views.survey_publish, name="survey_new"),
    path("surveys/<int:pk>/edit/", views.survey_publish, name="survey_edit"),
    path("surveys/<int:pk>/withdraw/", views.survey_withdraw, name="survey_withdraw"),
    path("images/<int:pk>/", views.image_file, name="image"),
    path("images/<int:pk>/remove/", views.image_remove, name="image_remove"),
    path("comments/<int:pk>/<slug:action>/", views.comment_act, name="comment_act"),
]
