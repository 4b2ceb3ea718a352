"""The document endpoints, included by the lead under /api/."""

from django.urls import path

from . import converters  # noqa: F401 - the "id" path converter
from . import views_documents as views

urlpatterns = [
    path("documents/", views.DocumentList.as_view(), name="documents"),
    path("documents/<id:pk>/", views.DocumentDetail.as_view(), name="document"),
    path("documents/<id:pk>/relations/", views.RelationCreate.as_view(), name="document_relations"),
    path(
        "documents/<id:pk>/files/<id:file_id>/",
        views.FileDownload.as_view(),
        name="document_file",
    ),
    path(
        "documents/<id:pk>/consultations/",
        views.ConsultationList.as_view(),
        name="document_consultations",
    ),
    path(
        "consultations/<id:pk>/comments/",
        views.CommentList.as_view(),
        name="consultation_comments",
    ),
]
