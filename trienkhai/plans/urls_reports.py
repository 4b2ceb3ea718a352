from django.urls import path

from . import views_reports as views

urlpatterns = [
    path("reports/", views.schedule_list, name="report_schedules"),
    path("reports/schedules/new/", views.schedule_new, name="report_schedule_new"),
    path("reports/schedules/<int:pk>/", views.schedule_detail, name="report_schedule"),
    path("reports/schedules/<int:pk>/edit/", views.schedule_edit, name="report_schedule_edit"),
    path("reports/schedules/<int:pk>/<str:period>/", views.period_detail, name="report_period"),
    path(
        "reports/schedules/<int:pk>/<str:period>/units/<int:unit_pk>/",
        views.report_write,
        name="report_write",
    ),
    path("reports/<int:pk>/", views.report_detail, name="report"),
]
