"""URL patterns of the calendar of classes, the attendance import and the campaign report files."""

from django.urls import path

from . import views_io as views

urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar.ics", views.calendar_ics, name="calendar_ics"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "classes/<int:pk>/attendance/import/",
        views.attendance_import,
        name="attendance_import",
    ),
    path(
        "classes/<int:pk>/attendance/template.xlsx",
        views.attendance_template,
        name="attendance_template",
    ),
    path("campaigns/<int:pk>/report.xlsx", views.campaign_xlsx, name="campaign_xlsx"),
    path("campaigns/<int:pk>/report.docx", views.campaign_docx, name="campaign_docx"),
]
