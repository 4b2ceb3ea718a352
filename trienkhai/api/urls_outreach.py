"""Dissemination campaigns, their quotas and delegations, their classes and attendees
(included under /api/)."""

from django.urls import path

from . import converters  # noqa: F401 - the "id" path converter
from . import views_outreach as views

urlpatterns = [
    path("target-groups/", views.TargetGroupList.as_view(), name="target_groups"),
    path("campaigns/", views.CampaignList.as_view(), name="campaigns"),
    path("campaigns/<id:pk>/", views.CampaignDetail.as_view(), name="campaign"),
    path("campaigns/<id:pk>/quotas/", views.CampaignQuotas.as_view(), name="campaign_quotas"),
    path(
        "campaigns/<id:pk>/delegations/",
        views.DelegationList.as_view(),
        name="campaign_delegations",
    ),
    path("delegations/<id:pk>/", views.DelegationDetail.as_view(), name="delegation"),
    path("campaigns/<id:pk>/classes/", views.ClassList.as_view(), name="campaign_classes"),
    path("classes/<id:pk>/", views.ClassDetail.as_view(), name="class"),
    path("classes/<id:pk>/cancel/", views.ClassCancel.as_view(), name="class_cancel"),
    path("classes/<id:pk>/attendees/", views.AttendeeList.as_view(), name="class_attendees"),
    path("attendees/<id:pk>/", views.AttendeeDetail.as_view(), name="attendee"),
]
