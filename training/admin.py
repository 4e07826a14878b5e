"""Training in the Django admin: for looking things up and their history. Sessions, invitations and
attendance change on the app's pages, where the rules are kept; the admin offers the two actions
support needs, cancelling sessions and replacing a leaked calendar link, through the same services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from training import services
from training.models import Attendance, CalendarFeedToken, TrainingSession


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttendanceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Attendance
    fields = ("membership", "status", "assessment_passed", "invited_at", "recorded_at")
    readonly_fields = fields
    extra = 0


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "module", "kind", "start_at", "status", "trainer")
    list_filter = ("status", "kind", "module__project")
    search_fields = ("title", "module__name", "module__code")
    list_select_related = ("module", "trainer__user")
    date_hierarchy = "start_at"
    inlines = [AttendanceInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["cancel_sessions"]

    @admin.action(description=_("Cancel the selected sessions (the people invited are told)"), permissions=["cancel"])
    def cancel_sessions(self, request, queryset):
        for session in queryset:
            try:
                services.session_cancel(session=session)
            except ValidationError as error:
                self.message_user(request, f"{session}: {' '.join(error.messages)}", messages.ERROR)

    def has_cancel_permission(self, request):
        return request.user.is_superuser


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("membership", "session", "status", "assessment_passed", "recorded_at")
    list_filter = ("status", "session__kind", "session__module__project")
    search_fields = ("membership__user__username", "membership__user__last_name", "session__title")
    list_select_related = ("membership__user", "session")


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "created_at")
    search_fields = ("user__username", "user__email")
    fields = ("user", "created_at")
    readonly_fields = fields
    actions = ["reset_tokens"]

    @admin.action(description=_("Replace the calendar links (the old ones stop working)"), permissions=["reset"])
    def reset_tokens(self, request, queryset):
        for token in queryset.select_related("user"):
            services.calendar_feed_token_reset(user=token.user)

    def has_reset_permission(self, request):
        return request.user.is_superuser
