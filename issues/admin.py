from django.contrib import admin

from erpteam.admin import ServiceAdminMixin
from issues import services
from issues.models import Comment, Decision, Escalation, Issue, IssueEvent, SlaPolicy, SolutionOption

EDITABLE = ("title", "description", "category", "severity", "blocks_go_live")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = ("created_at", "author", "body")


class SolutionOptionInline(ReadOnlyInline):
    model = SolutionOption
    fields = ("summary", "effort", "risk", "recommended", "chosen", "author")


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("decided_at", "decided_by", "option", "reason")


class EscalationInline(ReadOnlyInline):
    model = Escalation
    fields = ("escalated_at", "escalated_by", "from_tier", "to_tier", "reason")


class IssueEventInline(ReadOnlyInline):
    model = IssueEvent
    fields = ("created_at", "actor", "kind", "field", "before", "after", "note")


@admin.register(Issue)
class IssueAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Issues are logged and worked in the app; here staff can correct what an issue says (through the
    service, so the timeline records it) and read everything else."""

    list_display = ("number", "title", "project", "module", "severity", "status", "tier", "blocks_go_live")
    list_filter = ("project", "status", "severity", "category", "tier", "blocks_go_live")
    search_fields = ("title", "description")
    list_select_related = ("project", "module")
    fields = (
        *EDITABLE,
        "project",
        "number",
        "module",
        "status",
        "tier",
        "reporter",
        "affected_end_user",
        "assignee",
        "waiting_on",
        "respond_due",
        "resolve_due",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "resolution",
    )
    inlines = [SolutionOptionInline, DecisionInline, EscalationInline, CommentInline, IssueEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.fields if f not in EDITABLE]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.issue_update(issue=obj, actor=None, **{f: form.cleaned_data[f] for f in form.changed_data})


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("project", "s1_resolve_hours", "s2_resolve_hours", "s3_resolve_hours", "s4_resolve_hours")
    list_select_related = ("project",)

    def get_readonly_fields(self, request, obj=None):
        return ("project",) if obj else ()

    def save_model(self, request, obj, form, change):
        policy = obj if change else services.sla_policy_get_or_create(project=obj.project)
        hours = {f: form.cleaned_data[f] for f in services.SLA_FIELDS}
        obj.pk = services.sla_policy_update(policy=policy, **hours).pk

    def has_delete_permission(self, request, obj=None):
        return False
