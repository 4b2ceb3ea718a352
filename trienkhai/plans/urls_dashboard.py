from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_export, name="dashboard_xlsx"),
    path("dashboard/chart/<slug:kind>.svg", views.dashboard_chart, name="dashboard_chart"),
    path("reviews/<int:pk>/", views.review_page, name="review"),
    path("reviews/<int:pk>/review.docx", views.review_docx, name="review_docx"),
    path("calendar/", views.calendar_feeds, name="calendar_feeds"),
    path("calendar/<int:pk>/revoke/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
