"""The document endpoints, included by the lead under /api/."""

from django.urls import path

from . import converters  # noqa: F401 - the "id" path converter
from . import views_documents as views

urlpatterns = [
    path("documents/", views.DocumentList.as_view(), name="documents"),
    path("documents/drafts/", views.DraftCreate.as_view(), name="document_drafts"),
    path("documents/<id:pk>/", views.DocumentDetail.as_view(), name="document"),
    path("documents/<id:pk>/issue/", views.DocumentIssue.as_view(), name="document_issue"),
    path("documents/<id:pk>/submit/", views.DocumentSubmit.as_view(), name="document_submit"),
    path("documents/<id:pk>/files/", views.FileUpload.as_view(), name="document_files"),
    path("documents/<id:pk>/versions/", views.VersionCreate.as_view(), name="document_versions"),
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
    path("consultations/<id:pk>/", views.ConsultationDetail.as_view(), name="consultation"),
    path(
        "consultations/<id:pk>/close/",
        views.ConsultationClose.as_view(),
        name="consultation_close",
    ),
    path(
        "consultations/<id:pk>/remind/",
        views.ConsultationRemind.as_view(),
        name="consultation_remind",
    ),
    path(
        "consultations/<id:pk>/no-comment/",
        views.NoComment.as_view(),
        name="consultation_no_comment",
    ),
    path(
        "consultations/<id:pk>/recipients/",
        views.RecipientList.as_view(),
        name="consultation_recipients",
    ),
    path("comments/<id:pk>/", views.CommentResolve.as_view(), name="comment"),
    path(
        "consultations/<id:pk>/comments/",
        views.CommentList.as_view(),
        name="consultation_comments",
    ),
]
