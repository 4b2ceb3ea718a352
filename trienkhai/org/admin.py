from django.contrib import admin

from .models import Access, Person, Position, ReorgEvent, Term, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "official_code", "ended_on"]
    list_filter = ["kind"]
    search_fields = ["name", "name_folded", "official_code"]
    readonly_fields = ["path", "depth", "numchild", "name_folded"]

    def has_delete_permission(self, request, obj=None):
        return False  # units end through reorganisation events, never by deletion


@admin.register(ReorgEvent)
class ReorgEventAdmin(admin.ModelAdmin):
    list_display = ["effective_on", "kind", "summary", "legal_basis"]
    list_filter = ["kind"]

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Term)
admin.site.register(Person)
admin.site.register(Position)
admin.site.register(Access)
