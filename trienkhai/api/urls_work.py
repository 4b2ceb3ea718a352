"""Task progress, comments and history; requirements on subordinate units and their target
units' compliance (included under /api/)."""

from django.urls import path

from . import converters  # noqa: F401 - the "id" path converter
from . import views_work as views

urlpatterns = [
    path("tasks/<id:pk>/progress/", views.TaskProgress.as_view(), name="task_progress"),
    path("tasks/<id:pk>/history/", views.TaskHistory.as_view(), name="task_history"),
    path("tasks/<id:pk>/comments/", views.TaskComments.as_view(), name="task_comments"),
    path(
        "tasks/<id:pk>/comments/<id:comment_id>/evidence/",
        views.CommentEvidence.as_view(),
        name="task_comment_evidence",
    ),
    path("requirements/", views.RequirementList.as_view(), name="requirements"),
    path("requirements/<id:pk>/", views.RequirementDetail.as_view(), name="requirement"),
    path(
        "requirements/<id:pk>/targets/",
        views.RequirementTargets.as_view(),
        name="requirement_targets",
    ),
    path(
        "requirements/<id:pk>/history/",
        views.RequirementHistory.as_view(),
        name="requirement_history",
    ),
]
