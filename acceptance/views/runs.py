"""Test runs: starting one, my runs, recording steps (with screenshots), finishing, raising defects."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from acceptance import selectors, services
from acceptance.forms import (
    DefectForm,
    RunStartForm,
    StepRecordForm,
)
from acceptance.models import TestRun, TestScenario
from acceptance.views.base import TESTER_ROLES, AcceptanceMixin, paginate
from acceptance.views.cycles import CycleMixin
from erpteam.permissions import Action, Scope, scope_of
from people.models import Membership


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
        return super().get_context_data(page=paginate(self.request, runs, 25), **kwargs)


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
