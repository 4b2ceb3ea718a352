"""The admin shows survey definitions for inspection. Responses, answers, codes and tallies are
not registered: nobody browses individual forms or codes, not even an administrator."""

from django.contrib import admin

from .models import Allocation, Choice, GridRow, Question, Section, Survey


class ReadOnlyMixin:
    """Definitions change through the builder pages, which check freezing and write the audit
    log; the admin only looks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SectionInline(ReadOnlyMixin, admin.TabularInline):
    model = Section
    fields = ["position", "title"]
    extra = 0


class AllocationInline(ReadOnlyMixin, admin.TabularInline):
    model = Allocation
    fields = ["unit", "target_group", "forms"]
    extra = 0


@admin.register(Survey)
class SurveyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "owner_unit", "status", "version", "opens_on", "closes_on"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [SectionInline, AllocationInline]


class ChoiceInline(ReadOnlyMixin, admin.TabularInline):
    model = Choice
    fields = ["value", "label", "is_other"]
    extra = 0


class GridRowInline(ReadOnlyMixin, admin.TabularInline):
    model = GridRow
    fields = ["position", "label"]
    extra = 0


@admin.register(Question)
class QuestionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "text", "kind", "required", "survey"]
    list_filter = ["kind"]
    search_fields = ["text"]
    list_select_related = ["survey"]
    inlines = [ChoiceInline, GridRowInline]
