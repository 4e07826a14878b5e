from django.contrib import admin

from readiness.models import GoLiveDecision, ReadinessSnapshot


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the app writes through its services; the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GoLiveDecision)
class GoLiveDecisionAdmin(ReadOnlyAdmin):
    list_display = ("project", "decided_at", "outcome", "status", "decided_by")
    list_filter = ("outcome", "status")
    search_fields = ("project__code", "project__name", "rationale")
    list_select_related = ("project", "decided_by")


@admin.register(ReadinessSnapshot)
class ReadinessSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("project", "module", "day", "status", "reconstructed")
    list_filter = ("status", "reconstructed", "project")
    date_hierarchy = "day"
    list_select_related = ("project", "module")
