"""The admin shows campaigns and classes for support; changes go through the pages, which
check rights and write the audit log, so the admin only reads official records. Target groups
(the list of kinds of people) are kept here."""

from django.contrib import admin

from .models import Campaign, ClassSession, Delegation, TargetGroup


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def has_delete_permission(self, request, obj=None):
        return False  # campaigns, quotas and surveys refer to groups


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "owner_unit", "start_on", "deadline", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["owner_unit"]


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "unit", "deadline", "status", "reported_on"]
    list_filter = ["status"]
    list_select_related = ["campaign", "unit"]


@admin.register(ClassSession)
class ClassSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "campaign", "organiser", "starts_at", "status"]
    list_filter = ["status"]
    search_fields = ["title", "place", "presenters"]
    list_select_related = ["campaign", "organiser"]
