"""Test cycles: the list, a cycle's progress (and its download), creating, editing and deleting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from acceptance import selectors, services
from acceptance.exports import cycle_progress_export
from acceptance.filters import CycleScenarioFilter
from acceptance.forms import (
    CycleForm,
)
from acceptance.models import TestCycle
from acceptance.views.base import AcceptanceMixin, paginate, requested_format
from erpteam.permissions import Action


class CycleListView(AcceptanceMixin, TemplateView):
    template_name = "acceptance/cycle_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(overview=selectors.cycles_overview(project=self.project), **kwargs)


class CycleMixin(AcceptanceMixin):
    @cached_property
    def cycle(self) -> TestCycle:
        return selectors.cycle_get(project=self.project, pk=self.kwargs["pk"])


class CycleDetailView(CycleMixin, TemplateView):
    """A cycle's progress per module (with sign-offs) and its planned scenarios."""

    template_name = "acceptance/cycle_detail.html"

    def get_context_data(self, **kwargs):
        cycle = self.cycle
        rows = selectors.cycle_progress(cycle=cycle)
        for row in rows:
            signs_off = self.can(Action.ACCEPTANCE_SIGN_OFF, module_id=row.module.pk)
            excepts = self.can(Action.ACCEPTANCE_EXCEPTION)
            row.can_sign_off = not row.signed_off and signs_off
            row.can_withdraw_sign_off = row.signed_off and signs_off
            row.can_except = row.exception is None and row.open_s1_s2 > 0 and excepts
            row.can_withdraw_exception = row.exception is not None and not row.signed_off and excepts
        planned = CycleScenarioFilter(self.request.GET, queryset=selectors.cycle_scenarios(cycle=cycle), cycle=cycle)
        page = paginate(self.request, planned.qs, 50)
        for entry in page:
            entry.can_start = self.starts_runs(entry.scenario.module_id)
            entry.latest_run = entry.scenario.cycle_runs[0] if entry.scenario.cycle_runs else None
        return super().get_context_data(
            cycle=cycle,
            rows=rows,
            total=selectors.progress_total(rows),
            filter=planned,
            page=page,
            **kwargs,
        )


class CycleExportView(CycleMixin, View):
    """The cycle's progress per module as CSV or XLSX."""

    def get(self, request, *args, **kwargs):
        export = cycle_progress_export(project=self.project, cycle=self.cycle)
        return export.response(file_format=requested_format(request))


class CycleFormView(CycleMixin, FormView):
    template_name = "acceptance/cycle_form.html"
    form_class = CycleForm

    def get(self, request, *args, **kwargs):
        self.require_cycle_planning()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.require_cycle_planning()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project, "instance": self.instance()}

    def instance(self):
        return None

    def form_valid(self, form):
        fields = {f: form.cleaned_data[f] for f in ("kind", "name", "start_date", "end_date", "scenarios")}
        try:
            cycle = self.save(**fields)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Test cycle %(name)s saved.") % {"name": cycle.name})
        return redirect("acceptance:cycle_detail", project_id=self.project.pk, pk=cycle.pk)


class CycleCreateView(CycleFormView):
    def save(self, **fields):
        return services.cycle_create(project=self.project, **fields)


class CycleUpdateView(CycleFormView):
    def instance(self):
        return self.cycle

    def save(self, **fields):
        return services.cycle_update(cycle=self.cycle, **fields)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cycle=self.cycle, **kwargs)


class CycleDeleteView(CycleMixin, View):
    def post(self, request, *args, **kwargs):
        self.require_cycle_planning()
        cycle = self.cycle
        try:
            services.cycle_delete(cycle=cycle)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("acceptance:cycle_detail", project_id=self.project.pk, pk=cycle.pk)
        messages.success(request, _("Test cycle %(name)s deleted.") % {"name": cycle.name})
        return redirect("acceptance:cycle_list", project_id=self.project.pk)
