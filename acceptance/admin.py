"""Staff's view of acceptance testing. Scenarios and cycles are written through the services (and refused
as on the app's pages); runs, step results, sign-offs and exceptions are recorded in the app and are
read-only here, since they are the evidence of what was tested."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from acceptance import services
from acceptance.models import (
    AcceptanceException,
    ModuleSignOff,
    StepResult,
    TestCycle,
    TestRun,
    TestScenario,
    TestStep,
)
from erpteam.admin import ServiceAdminMixin

SCENARIO_FIELDS = ("module", "reference", "title", "business_process", "description", "owner", "priority")


class TestStepInline(admin.TabularInline):
    model = TestStep
    extra = 1
    fields = ("order", "action", "expected_result")


@admin.register(TestScenario)
class TestScenarioAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("reference", "title", "module", "owner", "priority", "project")
    list_filter = ("project", "priority", "module")
    list_select_related = ("module", "owner__user", "project")
    search_fields = ("reference", "title", "business_process")
    autocomplete_fields = ("owner",)
    filter_horizontal = ("related_modules",)
    inlines = [TestStepInline]

    def get_readonly_fields(self, request, obj=None):
        return ("project",) if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            return  # saved with its other modules and steps in save_related
        fields = {f: form.cleaned_data[f] for f in SCENARIO_FIELDS}
        obj.pk = services.scenario_create(project=form.cleaned_data["project"], **fields).pk

    def save_related(self, request, form, formsets, change):
        steps = []
        for formset in formsets:
            formset.save(commit=False)  # writes nothing; lets the admin describe the change in its log
            kept = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            steps = [
                services.StepSpec(data["action"], data["expected_result"])
                for data in sorted(kept, key=lambda data: data["order"])
            ]
        services.scenario_update(
            scenario=TestScenario.objects.get(pk=form.instance.pk),
            related_modules=list(form.cleaned_data["related_modules"]),
            steps=steps,
            **{f: form.cleaned_data[f] for f in SCENARIO_FIELDS},
        )

    def delete_model(self, request, obj):
        services.scenario_delete(scenario=obj)

    def delete_queryset(self, request, queryset):
        for scenario in queryset:
            services.scenario_delete(scenario=scenario)


class TestCycleForm(forms.ModelForm):
    scenarios = forms.ModelMultipleChoiceField(
        label=_("Scenarios"),
        queryset=TestScenario.objects.select_related("project"),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple(_("scenarios"), is_stacked=False),
    )

    class Meta:
        model = TestCycle
        fields = ("project", "kind", "name", "start_date", "end_date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["scenarios"] = [p.scenario_id for p in self.instance.planned.all()]


@admin.register(TestCycle)
class TestCycleAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    form = TestCycleForm
    list_display = ("name", "kind", "start_date", "end_date", "project")
    list_filter = ("project", "kind")
    list_select_related = ("project",)
    search_fields = ("name",)

    def get_readonly_fields(self, request, obj=None):
        return ("project",) if obj else ()

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in ("kind", "name", "start_date", "end_date", "scenarios")}
        if change:
            services.cycle_update(cycle=obj, **fields)
        else:
            obj.pk = services.cycle_create(project=form.cleaned_data["project"], **fields).pk

    def delete_model(self, request, obj):
        services.cycle_delete(cycle=obj)

    def delete_queryset(self, request, queryset):
        for cycle in queryset:
            services.cycle_delete(cycle=cycle)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Evidence recorded in the app: staff may look, not change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StepResultInline(admin.TabularInline):
    model = StepResult
    fields = ("order", "action", "expected_result", "status", "actual_result", "defect", "recorded_by", "recorded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TestRun)
class TestRunAdmin(ReadOnlyAdmin):
    list_display = ("scenario", "cycle", "tester", "started_at", "finished_at", "result")
    list_filter = ("result", "cycle__project", "cycle")
    list_select_related = ("scenario", "cycle", "tester__user")
    inlines = [StepResultInline]


@admin.register(ModuleSignOff)
class ModuleSignOffAdmin(ReadOnlyAdmin):
    list_display = ("module", "cycle", "signed_by", "signed_at")
    list_filter = ("cycle__project",)
    list_select_related = ("module", "cycle", "signed_by__user")


@admin.register(AcceptanceException)
class AcceptanceExceptionAdmin(ReadOnlyAdmin):
    list_display = ("module", "cycle", "consultant", "created_at")
    list_filter = ("cycle__project",)
    list_select_related = ("module", "cycle", "consultant__user")
