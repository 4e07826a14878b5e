"""Pages of acceptance testing: cycles and their progress, scenarios (with import and export), runs
and their steps, defects raised from steps, and the Key User's sign-off."""

import base64
import binascii

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from acceptance import imports, selectors, services
from acceptance.exports import cycle_progress_export, scenarios_export
from acceptance.filters import CycleScenarioFilter, ScenarioFilter
from acceptance.forms import (
    CycleForm,
    DefectForm,
    ExceptionForm,
    ImportConfirmForm,
    ImportForm,
    RunStartForm,
    ScenarioForm,
    StepFormSet,
    StepRecordForm,
)
from acceptance.models import TestCycle, TestRun, TestScenario
from erpteam.permissions import Action, Scope, scope_of
from erpteam.views import ConfirmView, ProjectMixin
from modules.models import BusinessModule
from people.models import Membership

Role = Membership.Role
TESTER_ROLES = (Role.APP_CONSULTANT, Role.TECH_CONSULTANT, Role.KEY_USER, Role.END_USER)


def _page(request, queryset: QuerySet, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _file_format(request) -> str:
    return "xlsx" if request.GET.get("format") == "xlsx" else "csv"


class AcceptanceMixin(ProjectMixin):
    action = Action.ACCEPTANCE_VIEW
    tab = "cycles"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(section="acceptance", tab=self.tab, plans_cycles=self.plans_cycles(), query=query.urlencode())
        return context

    def plans_cycles(self) -> bool:
        """Cycles are the project's plan: consultants write them (Key Users write their scenarios)."""
        return scope_of(self.membership, Action.ACCEPTANCE_WRITE) == Scope.ALL

    def require_cycle_planning(self) -> None:
        if not self.plans_cycles():
            raise PermissionDenied

    def starts_runs(self, module_id: int | None = None) -> bool:
        """Starting a run (and naming its tester) is for consultants and the module's Key Users; end
        users record the runs they are named in."""
        if scope_of(self.membership, Action.ACCEPTANCE_RUN) not in (Scope.ALL, Scope.OWN_MODULES):
            return False
        return module_id is None or self.can(Action.ACCEPTANCE_RUN, module_id=module_id)

    def records(self, run: TestRun) -> bool:
        """Who records a run's steps: consultants, the module's Key Users, and an end user named its tester."""
        if scope_of(self.membership, Action.ACCEPTANCE_RUN) == Scope.OWN:
            return run.tester_id == self.membership.pk
        return self.can(Action.ACCEPTANCE_RUN, module_id=run.scenario.module_id)

    def writable_modules(self) -> QuerySet[BusinessModule]:
        modules = BusinessModule.objects.filter(project=self.project).order_by("name")
        if scope_of(self.membership, Action.ACCEPTANCE_WRITE) == Scope.OWN_MODULES:
            modules = modules.filter(key_user_assignments__membership=self.membership)
        return modules


# --- cycles ----------------------------------------------------------------------------------------------


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
        page = _page(self.request, planned.qs, 50)
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
        return export.response(file_format=_file_format(request))


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


class CycleModuleMixin(CycleMixin):
    @cached_property
    def module(self) -> BusinessModule:
        return get_object_or_404(BusinessModule, project=self.project, pk=self.kwargs["module_pk"])

    def back(self):
        return redirect("acceptance:cycle_detail", project_id=self.project.pk, pk=self.cycle.pk)


class SignOffView(CycleModuleMixin, View):
    action = Action.ACCEPTANCE_SIGN_OFF

    def post(self, request, *args, **kwargs):
        module = self.module
        self.require(Action.ACCEPTANCE_SIGN_OFF, module_id=module.pk)
        try:
            services.sign_off_create(cycle=self.cycle, module=module, signed_by=self.membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(module)s signed off in %(cycle)s.") % {"module": module.name, "cycle": self.cycle.name}
            )
        return self.back()


class ExceptionCreateView(CycleModuleMixin, FormView):
    action = Action.ACCEPTANCE_EXCEPTION
    template_name = "acceptance/exception_form.html"
    form_class = ExceptionForm

    def get_context_data(self, **kwargs):
        module = self.module
        return super().get_context_data(
            cycle=self.cycle,
            module=module,
            blocking=list(selectors.blocking_defects(cycle=self.cycle, module=module)),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.exception_create(
                cycle=self.cycle, module=self.module, consultant=self.membership, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Exception recorded: the Key User may now sign off."))
        return self.back()


class WithdrawView(CycleModuleMixin, ConfirmView):
    """Take back what was recorded for a module in a cycle (its sign-off, or an accepted exception):
    a confirmation page; the service's refusal is shown on it."""

    section = "acceptance"
    submit_label = gettext_lazy("Withdraw")

    def get_form(self, form_class=None):
        self.require(self.action, module_id=self.module.pk)
        return super().get_form(form_class)

    def get_cancel_url(self) -> str:
        return reverse("acceptance:cycle_detail", args=[self.project.pk, self.cycle.pk])

    get_success_url = get_cancel_url

    def get_breadcrumbs(self):
        return [
            (_("Acceptance"), reverse("acceptance:cycle_list", args=[self.project.pk])),
            (self.cycle.name, self.get_cancel_url()),
        ]


class SignOffWithdrawView(WithdrawView):
    action = Action.ACCEPTANCE_SIGN_OFF

    @property
    def page_title(self):
        return _("Withdraw the sign-off of %(module)s in %(cycle)s?") % {
            "module": self.module.name,
            "cycle": self.cycle.name,
        }

    intro = gettext_lazy(
        "The module counts as not signed off in this cycle again, on the acceptance page and for readiness. "
        "The audit trail keeps who signed it off and when. Sign it off again once it is accepted."
    )

    def perform(self, form):
        return services.sign_off_withdraw(cycle=self.cycle, module=self.module, by=self.membership)

    def get_success_message(self):
        return _("The sign-off of %(module)s is withdrawn.") % {"module": self.module.name}


class ExceptionWithdrawView(WithdrawView):
    action = Action.ACCEPTANCE_EXCEPTION

    @property
    def page_title(self):
        return _("Withdraw the exception for %(module)s in %(cycle)s?") % {
            "module": self.module.name,
            "cycle": self.cycle.name,
        }

    intro = gettext_lazy(
        "Open S1/S2 defects block the module's sign-off in this cycle again. The audit trail keeps the exception "
        "and its reason."
    )

    def perform(self, form):
        return services.exception_withdraw(cycle=self.cycle, module=self.module, consultant=self.membership)

    def get_success_message(self):
        return _("The exception for %(module)s is withdrawn.") % {"module": self.module.name}


# --- scenarios -------------------------------------------------------------------------------------------


class ScenarioListView(AcceptanceMixin, TemplateView):
    template_name = "acceptance/scenario_list.html"
    tab = "scenarios"

    def get_context_data(self, **kwargs):
        scenarios = ScenarioFilter(
            self.request.GET, queryset=selectors.scenario_list(project=self.project), project=self.project
        )
        return super().get_context_data(
            filter=scenarios,
            page=_page(self.request, scenarios.qs, 25),
            writes=scope_of(self.membership, Action.ACCEPTANCE_WRITE) is not None,
            **kwargs,
        )


class ScenarioExportView(AcceptanceMixin, View):
    """The (filtered) scenarios as a test script, in the columns the import reads."""

    def get(self, request, *args, **kwargs):
        scenarios = ScenarioFilter(
            request.GET, queryset=selectors.scenario_list(project=self.project), project=self.project
        ).qs
        return scenarios_export(project=self.project, scenarios=scenarios).response(file_format=_file_format(request))


class ScenarioMixin(AcceptanceMixin):
    tab = "scenarios"

    @cached_property
    def scenario(self) -> TestScenario:
        return selectors.scenario_detail(project=self.project, pk=self.kwargs["pk"])


class ScenarioDetailView(ScenarioMixin, TemplateView):
    template_name = "acceptance/scenario_detail.html"

    def get_context_data(self, **kwargs):
        scenario = self.scenario
        return super().get_context_data(
            scenario=scenario, writes=self.can(Action.ACCEPTANCE_WRITE, module_id=scenario.module_id), **kwargs
        )


class ScenarioFormView(ScenarioMixin, TemplateView):
    """A scenario's fields and its steps, on one page."""

    action = Action.ACCEPTANCE_WRITE
    template_name = "acceptance/scenario_form.html"

    def forms(self, data=None):
        scenario = self.instance()
        form = ScenarioForm(
            data,
            instance=scenario,
            initial=self.initial(),
            project=self.project,
            modules=self.writable_modules(),
        )
        steps = StepFormSet(
            data,
            prefix="steps",
            initial=[
                {"action": s.action, "expected_result": s.expected_result, "ORDER": s.order}
                for s in (scenario.steps.all() if scenario else [])
            ],
        )
        return form, steps

    def initial(self):
        return {}

    def instance(self):
        return None

    def get(self, request, *args, **kwargs):
        form, steps = self.forms()
        return self.render_to_response(self.get_context_data(form=form, steps=steps))

    def post(self, request, *args, **kwargs):
        form, steps = self.forms(request.POST)
        if form.is_valid() and steps.is_valid():
            data = form.cleaned_data
            fields = {f: data[f] for f in ("module", "reference", "title", "business_process", "priority", "owner")}
            try:
                scenario = self.save(
                    description=data["description"],
                    related_modules=list(data["related_modules"]),
                    steps=steps.steps(),
                    **fields,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Scenario %(reference)s saved.") % {"reference": scenario.reference})
                return redirect("acceptance:scenario_detail", project_id=self.project.pk, pk=scenario.pk)
        return self.render_to_response(self.get_context_data(form=form, steps=steps))


class ScenarioCreateView(ScenarioFormView):
    def initial(self):
        return {"owner": self.membership} if self.membership.is_key_user else {}

    def save(self, **fields):
        return services.scenario_create(project=self.project, **fields)


class ScenarioUpdateView(ScenarioFormView):
    def instance(self):
        self.require(Action.ACCEPTANCE_WRITE, module_id=self.scenario.module_id)
        return self.scenario

    def save(self, **fields):
        return services.scenario_update(scenario=self.scenario, **fields)

    def get_context_data(self, **kwargs):
        return super().get_context_data(scenario=self.scenario, **kwargs)


class ScenarioDeleteView(ScenarioMixin, View):
    action = Action.ACCEPTANCE_WRITE

    def post(self, request, *args, **kwargs):
        scenario = self.scenario
        self.require(Action.ACCEPTANCE_WRITE, module_id=scenario.module_id)
        try:
            services.scenario_delete(scenario=scenario)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("acceptance:scenario_detail", project_id=self.project.pk, pk=scenario.pk)
        messages.success(request, _("Scenario %(reference)s deleted.") % {"reference": scenario.reference})
        return redirect("acceptance:scenario_list", project_id=self.project.pk)


class ScenarioImportView(AcceptanceMixin, TemplateView):
    """Upload a test script, see what it would write (or its row-numbered errors), then import it."""

    action = Action.ACCEPTANCE_WRITE
    tab = "scenarios"
    template_name = "acceptance/scenario_import.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ImportForm())
        return super().get_context_data(columns=imports.header(), **kwargs)

    def post(self, request, *args, **kwargs):
        if "data" in request.POST:
            return self.confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        data = upload.read()
        preview = imports.scenarios_read(
            data=data, filename=upload.name, project=self.project, membership=self.membership
        )
        confirm = ImportConfirmForm(initial={"data": base64.b64encode(data).decode(), "filename": upload.name})
        return self.render_to_response(self.get_context_data(form=form, preview=preview, confirm=confirm))

    def confirm(self, request):
        confirm = ImportConfirmForm(request.POST)
        try:
            if not confirm.is_valid():
                raise ValueError
            data = base64.b64decode(confirm.cleaned_data["data"], validate=True)
        except (ValueError, binascii.Error):
            messages.error(request, _("The previewed file was lost; upload it again."))
            return self.render_to_response(self.get_context_data())
        preview = imports.scenarios_read(
            data=data, filename=confirm.cleaned_data["filename"], project=self.project, membership=self.membership
        )
        preview = imports.scenarios_import(preview=preview, project=self.project)
        if preview.errors:
            return self.render_to_response(self.get_context_data(preview=preview, confirm=confirm))
        messages.success(
            request,
            _("Imported %(created)s new and %(updated)s updated scenarios with %(steps)s steps.")
            % {"created": preview.created, "updated": preview.updated, "steps": preview.step_count},
        )
        return redirect("acceptance:scenario_list", project_id=self.project.pk)


# --- runs ------------------------------------------------------------------------------------------------


class RunCreateView(CycleMixin, FormView):
    """Start a run of a planned scenario and name its tester."""

    action = Action.ACCEPTANCE_RUN
    template_name = "acceptance/run_form.html"
    form_class = RunStartForm

    def get(self, request, *args, **kwargs):
        if not self.starts_runs():
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.starts_runs():
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        scenarios = (
            TestScenario.objects.filter(planned_in__cycle=self.cycle)
            .select_related("module")
            .order_by("module__name", "reference")
        )
        if scope_of(self.membership, Action.ACCEPTANCE_RUN) == Scope.OWN_MODULES:
            scenarios = scenarios.filter(module__key_user_assignments__membership=self.membership)
        testers = (
            Membership.objects.active()
            .filter(project=self.project, role__in=TESTER_ROLES)
            .select_related("user")
            .order_by("role", "user__first_name", "user__last_name")
        )
        return {**super().get_form_kwargs(), "scenarios": scenarios, "testers": testers}

    def get_initial(self):
        initial = {"tester": self.membership}
        if self.request.GET.get("scenario", "").isdigit():
            initial["scenario"] = int(self.request.GET["scenario"])
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(cycle=self.cycle, **kwargs)

    def form_valid(self, form):
        try:
            run = services.run_start(
                cycle=self.cycle,
                scenario=form.cleaned_data["scenario"],
                tester=form.cleaned_data["tester"],
                started_by=self.membership,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Run started: record each step as you go."))
        return redirect("acceptance:run_detail", project_id=self.project.pk, run_pk=run.pk)


class MyRunsView(AcceptanceMixin, TemplateView):
    action = Action.ACCEPTANCE_RUN
    tab = "runs"
    template_name = "acceptance/run_list.html"

    def get_context_data(self, **kwargs):
        runs = selectors.runs_for_tester(membership=self.membership)
        return super().get_context_data(page=_page(self.request, runs, 25), **kwargs)


class RunMixin(AcceptanceMixin):
    """A run of the project, visible to those who read acceptance tests and to its tester."""

    action = Action.PROJECT_VIEW
    tab = "runs"

    @cached_property
    def run(self) -> TestRun:
        run = selectors.run_get(project=self.project, pk=self.kwargs["run_pk"])
        if not (self.can(Action.ACCEPTANCE_VIEW) or self.records(run)):
            raise PermissionDenied
        return run

    def step(self):
        for step in self.run.step_results.all():
            if step.pk == self.kwargs["pk"]:
                return step
        raise Http404

    def require_recording(self) -> None:
        if not self.records(self.run):
            raise PermissionDenied

    def back(self, anchor: str = ""):
        url = reverse("acceptance:run_detail", kwargs={"project_id": self.project.pk, "run_pk": self.run.pk})
        return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


class RunDetailView(RunMixin, TemplateView):
    """A run's steps: each one's expected result, what happened, its screenshot and defect; the tester
    records them here."""

    template_name = "acceptance/run_detail.html"

    def get_context_data(self, bound_form=None, **kwargs):
        run = self.run
        records = self.records(run) and not run.is_finished
        steps = list(run.step_results.all())
        for step in steps:
            if bound_form is not None and bound_form.prefix == f"step-{step.pk}":
                step.form = bound_form
            elif records:
                step.form = StepRecordForm(
                    prefix=f"step-{step.pk}", initial={"status": step.status, "actual_result": step.actual_result}
                )
        history = list(selectors.runs_of(run=run))
        return super().get_context_data(
            run=run,
            steps=steps,
            records=records,
            raises_defects=self.records(run),
            defect_form=DefectForm(),
            history=history,
            can_rerun=run.is_finished and history[0].pk == run.pk and self.starts_runs(run.scenario.module_id),
            **kwargs,
        )

    @property
    def tab(self) -> str:
        return "runs" if self.run.tester_id == self.membership.pk else "cycles"


class StepRecordView(RunDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_recording()
        step = self.step()
        form = StepRecordForm(request.POST, request.FILES, prefix=f"step-{step.pk}")
        if form.is_valid():
            try:
                services.step_record(
                    step_result=step,
                    status=form.cleaned_data["status"],
                    actual_result=form.cleaned_data["actual_result"],
                    screenshot=form.cleaned_data["screenshot"] or None,
                    recorded_by=self.membership,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Step %(step)s recorded.") % {"step": step.order})
                return self.back(f"step-{step.order}")
        return self.render_to_response(self.get_context_data(bound_form=form))


class RunFinishView(RunMixin, View):
    def post(self, request, *args, **kwargs):
        self.require_recording()
        try:
            run = services.run_finish(run=self.run)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Run finished: %(result)s.") % {"result": run.get_result_display()})
        return self.back()


class DefectRaiseView(RunMixin, View):
    def post(self, request, *args, **kwargs):
        self.require_recording()
        step = self.step()
        form = DefectForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the defect's severity."))
            return self.back(f"step-{step.order}")
        try:
            issue = services.defect_raise(
                step_result=step, severity=form.cleaned_data["severity"], reporter=self.membership
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Defect #%(number)s raised in Issues.") % {"number": issue.number})
        return self.back(f"step-{step.order}")


class StepScreenshotView(RunMixin, View):
    """A step's screenshot, to those who may see the run. Served with the image type it was checked
    to be, never sniffed or rendered as a page."""

    def get(self, request, *args, **kwargs):
        step = self.step()
        if step.screenshot_type is None:
            raise Http404
        try:
            handle = step.screenshot.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=step.screenshot_type)
        extension = step.screenshot.name.rsplit(".", 1)[-1]
        response["Content-Disposition"] = f'inline; filename="step-{step.order}.{extension}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, max-age=3600"
        return response
