from django.urls import path

from . import views_tasks as views

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/mine/", views.task_mine, name="task_mine"),
    path("tasks/export.xlsx", views.task_export, name="task_export"),
    path("tasks/export.csv", views.task_export_csv, name="task_export_csv"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/pick/units/", views.pick_unit, name="task_pick_unit"),
    path("tasks/pick/documents/", views.pick_document, name="task_pick_document"),
    path("tasks/pick/tasks/", views.pick_task, name="task_pick_task"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<int:pk>/comment/", views.task_comment, name="task_comment"),
    path(
        "tasks/<int:pk>/comments/<int:comment_pk>/evidence/",
        views.task_evidence,
        name="task_evidence",
    ),
]
