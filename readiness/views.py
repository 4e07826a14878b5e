"""Readiness pages: the dashboard, a module's readiness, the printable report and the export, the
thresholds, the go / no-go decisions, and the portfolio of every project a person belongs to."""

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import ListView, TemplateView

from acceptance import selectors as acceptance_selectors
from erpteam.permissions import Action
from erpteam.tabular import table_response
from erpteam.views import ProjectFormView, ProjectMixin
from projects import services as project_services
from readiness import charts, selectors, services
from readiness.evidence import (
    CRITERION_LABELS,
    THRESHOLD_FIELDS,
    Criterion,
    Level,
    blocker_forecast,
    project_readiness,
    share,
)
from readiness.forms import GoLiveDecisionForm, ReadinessThresholdsForm
from readiness.models import ReadinessStatus
from readiness.summary import summary_readiness

CRITERIA = list(CRITERION_LABELS.items())


class ReadinessMixin(ProjectMixin):
    action = Action.READINESS_VIEW
    tab = "dashboard"

    def get_context_data(self, **kwargs):
        return super().get_context_data(section="readiness", tab=self.tab, criteria=CRITERIA, **kwargs)


def _dashboard(project) -> dict:
    """What the dashboard and the report show: today's readiness, the forecast, the trends and the
    latest decision."""
    today = timezone.localdate()
    result = summary_readiness(project=project, today=today)
    forecast = blocker_forecast(readiness=result)
    trend = selectors.readiness_trend(project=project, since=today - datetime.timedelta(days=charts.TREND_DAYS - 1))
    return {
        "readiness": result,
        "forecast": forecast,
        "forecast_sentence": charts.forecast_sentence(forecast),
        "charts": charts.dashboard_charts(trend, result, forecast),
        "reconstructed": any(row["reconstructed"] for row in trend),
        "decision": selectors.latest_decision(project=project),
        "totals": _totals(result),
    }


def _totals(result) -> list[tuple[str, int, int]]:
    """(label, done, required) over all modules, for the headline figures."""
    return [
        (_("End users trained"), *result.total("end_users_trained", "end_users")),
        (_("Key Users certified"), *result.total("key_users_certified", "key_users")),
        (_("Deliverables signed off"), *result.total("deliverables_signed_off", "deliverables")),
        (_("UAT scenarios passed"), *result.total("uat_passed", "uat_planned")),
    ]


class ReadinessDashboardView(ReadinessMixin, TemplateView):
    template_name = "readiness/readiness_dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_dashboard(self.project), **kwargs)


class ReadinessReportView(ReadinessMixin, TemplateView):
    """The dashboard as a page to print (or save as PDF) for a steering committee."""

    template_name = "readiness/readiness_report.html"
    tab = "report"

    def get_context_data(self, **kwargs):
        return super().get_context_data(generated_at=timezone.now(), **_dashboard(self.project), **kwargs)


class ReadinessModuleView(ReadinessMixin, TemplateView):
    """One module's readiness with the evidence behind each reason."""

    template_name = "readiness/readiness_module.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        module = selectors.module_in_project(project=self.project, module_id=self.kwargs["module_id"])
        result = project_readiness(project=self.project, today=today)
        module_readiness = result.module(module.pk)
        context = {"module": module, "module_readiness": module_readiness}
        if module_readiness is not None:
            context.update(
                acceptance=result.acceptance.get(module.pk),
                acceptance_evidence=(
                    acceptance_selectors.acceptance_evidence(cycle=result.uat_cycle, module=module)
                    if result.uat_cycle
                    else None
                ),
                uat_cycle=result.uat_cycle,
                evidence=selectors.module_evidence(module=module_readiness.module, membership=self.membership),
                history=list(
                    selectors.module_trend(module=module, since=today - datetime.timedelta(days=charts.TREND_DAYS - 1))
                ),
            )
        return super().get_context_data(**context, **kwargs)


class ReadinessExportView(ReadinessMixin, View):
    """The matrix as CSV or XLSX: one row per module, its status, figures and reasons."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        result = project_readiness(project=self.project)
        header = [
            _("Module code"),
            _("Module"),
            _("Status"),
            *[str(CRITERION_LABELS[c]) for c in Criterion],
            _("Key Users"),
            _("Key Users certified (%)"),
            _("End users trained (%)"),
            _("Deliverables signed off (%)"),
            _("UAT pass rate (%)"),
            _("UAT signed off"),
            _("Open blocking or S1–S2 issues"),
            _("Overdue issues"),
            _("Reasons"),
        ]
        levels = {Level.OK: _("ok"), Level.WARNING: _("at risk"), Level.FAILING: _("failing")}
        rows = []
        for m in result.modules:
            f = m.figures
            rows.append(
                [
                    m.module.code,
                    m.module.name,
                    ReadinessStatus(m.status).label,
                    *[f"{levels[c.level]} ({c.value})" for c in m.checks],
                    f.key_users,
                    share(f.key_users_certified, f.key_users),
                    share(f.end_users_trained, f.end_users),
                    share(f.deliverables_signed_off, f.deliverables),
                    f.uat_pass_rate,
                    _("yes") if f.uat_signed_off else _("no"),
                    f.open_blockers,
                    f.overdue,
                    " ".join(reason.text for _check, reason in m.reasons),
                ]
            )
        return table_response(
            filename=f"{self.project.code}-readiness-{result.today:%Y-%m-%d}",
            header=header,
            rows=rows,
            file_format=request.GET.get("format", "csv"),
        )


class ReadinessThresholdsView(ProjectFormView):
    action = Action.PROJECT_PLAN
    template_name = "readiness/readiness_thresholds.html"
    form_class = ReadinessThresholdsForm
    section = "readiness"
    page_title = gettext_lazy("Readiness thresholds")
    intro = gettext_lazy(
        'Each module\'s readiness is measured against these thresholds. A share at or above "ready" is fine, '
        'at or above "at risk" is a warning, below it the module is not ready.'
    )
    success_message = gettext_lazy("Thresholds saved: the dashboard measures against them now.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.project}

    def perform(self, form):
        return project_services.readiness_thresholds_update(
            project=self.project, **{name: form.cleaned_data[name] for name in THRESHOLD_FIELDS}
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(tab="dashboard", **kwargs)

    def get_cancel_url(self):
        return reverse("readiness:dashboard", args=[self.project.pk])

    def get_success_url(self):
        return reverse("readiness:dashboard", args=[self.project.pk])


class DecisionListView(ReadinessMixin, ListView):
    """The history of the project's go / no-go decisions; the latest one counts."""

    template_name = "readiness/decision_list.html"
    tab = "decisions"
    context_object_name = "decisions"
    paginate_by = 25

    def get_queryset(self):
        return selectors.decision_list(project=self.project)

    def get_context_data(self, **kwargs):
        return super().get_context_data(latest=selectors.latest_decision(project=self.project), **kwargs)


class DecisionDetailView(ReadinessMixin, TemplateView):
    """A decision with the evidence as it was when it was made."""

    template_name = "readiness/decision_detail.html"
    tab = "decisions"

    def get_context_data(self, **kwargs):
        decision = selectors.decision_get(project=self.project, pk=self.kwargs["decision_id"])
        return super().get_context_data(
            decision=decision,
            evidence=_evidence_for_display(decision.evidence),
            is_latest=selectors.latest_decision(project=self.project) == decision,
            dashboard=reverse("readiness:dashboard", args=[self.project.pk]),
            **kwargs,
        )


def _evidence_for_display(evidence: dict) -> dict:
    """The stored evidence with the labels of statuses and criteria in the reader's language."""
    statuses = dict(ReadinessStatus.choices)
    modules = [
        {
            **module,
            "status_label": statuses.get(module["status"], module["status"]),
            "checks": [
                {**check, "label": CRITERION_LABELS.get(check["criterion"], check["criterion"])}
                for check in module["checks"]
            ],
        }
        for module in evidence.get("modules", [])
    ]
    return {**evidence, "modules": modules, "status_label": statuses.get(evidence.get("status"), "")}


class DecisionCreateView(ProjectFormView):
    action = Action.GO_LIVE_DECIDE
    template_name = "readiness/decision_form.html"
    form_class = GoLiveDecisionForm
    section = "readiness"
    page_title = gettext_lazy("Record the go / no-go decision")
    submit_label = gettext_lazy("Record the decision")

    def perform(self, form):
        return services.go_live_decision_record(project=self.project, decided_by=self.membership, **form.cleaned_data)

    def get_success_message(self):
        return _("Decision recorded: %(outcome)s. The evidence of this moment is kept with it.") % {
            "outcome": self.result.get_outcome_display()
        }

    def get_success_url(self):
        return reverse("readiness:decision_detail", args=[self.project.pk, self.result.pk])

    def get_cancel_url(self):
        return reverse("readiness:dashboard", args=[self.project.pk])

    def get_context_data(self, **kwargs):
        result = project_readiness(project=self.project)
        return super().get_context_data(
            readiness=result,
            latest=selectors.latest_decision(project=self.project),
            tab="decisions",
            criteria=CRITERIA,
            **kwargs,
        )


@require_GET
def portfolio(request):
    """Every project the person belongs to: phase, target go-live, readiness and the latest decision."""
    memberships = selectors.portfolio(user=request.user)
    today = timezone.localdate()
    for membership in memberships:
        membership.days_to_go_live = (membership.project.target_go_live - today).days
    return render(request, "readiness/portfolio.html", {"memberships": memberships, "today": today})
