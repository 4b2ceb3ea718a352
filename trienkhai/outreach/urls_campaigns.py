"""Campaigns, delegations, classes and attendees (included by outreach/urls.py, namespace
"outreach")."""

from django.urls import path

from . import views, views_classes

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/quotas/", views.campaign_quotas, name="campaign_quotas"),
    path("campaigns/<int:pk>/delegate/", views.campaign_delegate, name="campaign_delegate"),
    path("delegations/<int:pk>/report/", views.delegation_report, name="delegation_report"),
    path("campaigns/<int:pk>/classes/new/", views_classes.class_new, name="class_new"),
    path("classes/<int:pk>/", views_classes.class_detail, name="class"),
    path("classes/<int:pk>/edit/", views_classes.class_edit, name="class_edit"),
    path("classes/<int:pk>/cancel/", views_classes.class_cancel, name="class_cancel"),
    path("classes/<int:pk>/attendees/add/", views_classes.attendee_add, name="attendee_add"),
    path("classes/<int:pk>/makeup/", views_classes.attendee_makeup, name="attendee_makeup"),
    path("attendees/<int:pk>/edit/", views_classes.attendee_edit, name="attendee_edit"),
    path("attendees/<int:pk>/remove/", views_classes.attendee_remove, name="attendee_remove"),
]
