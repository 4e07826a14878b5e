from django.contrib import admin

from erpteam.admin import ServiceAdminMixin
from projects import services
from projects.models import READINESS_THRESHOLD_FIELDS, PhaseChange, Project


class PhaseChangeInline(admin.TabularInline):
    model = PhaseChange
    fields = ("changed_at", "from_phase", "to_phase", "changed_by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "client", "erp_product", "phase", "target_go_live")
    list_filter = ("phase", "erp_product")
    search_fields = ("code", "name", "client")
    inlines = [PhaseChangeInline]

    def get_readonly_fields(self, request, obj=None):
        # The phase changes on the project's page, which records who, when and why.
        return ("phase",) if obj else ()

    def save_model(self, request, obj, form, change):
        thresholds = {f: form.cleaned_data[f] for f in READINESS_THRESHOLD_FIELDS if f in form.cleaned_data}
        if change:
            fields = {f: form.cleaned_data[f] for f in services.EDITABLE_FIELDS if f in form.cleaned_data}
            services.project_update(project=obj, **fields)
            services.readiness_thresholds_update(project=obj, **thresholds)
            return
        fields = ("code", "name", "client", "erp_product", "start_date", "target_go_live", "phase")
        created = services.project_create(created_by=request.user, **{f: form.cleaned_data[f] for f in fields})
        services.readiness_thresholds_update(project=created, **thresholds)
        obj.pk = created.pk
