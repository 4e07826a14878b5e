"""Readiness pages: what each reader sees, the links to the evidence, the charts, the export, the
thresholds form, recording a decision, and the portfolio."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from acceptance import services as acceptance_services
from acceptance.models import Result
from people.models import Membership
from projects import services
from projects.models import Project
from readiness import services as readiness_services
from readiness.models import GoLiveDecision, ReadinessSnapshot
from tests.acceptance.factories import cycle_make, run_make, scenario_make
from tests.factories import module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role


def url(name, team, *args):
    """A readiness page of the team's project by its name in the readiness namespace, or a full name."""
    return reverse(name if ":" in name else f"readiness:{name}", args=[team.project.pk, *args])


@pytest.fixture
def blocked(team, evidence):
    """Finance with an open blocking S1 and an untrained end user."""
    evidence.end_users(1)
    return evidence.issue(severity="s1", blocks=True, title="Payment run aborts")


def test_the_dashboard_shows_the_matrix_the_status_and_each_reason_linked_to_its_evidence(team, blocked):
    page = team.client_for(Role.MANAGER).get(url("dashboard", team)).content.decode()
    assert "Not ready" in page
    assert (
        f'href="/p/{team.project.pk}/issues/?module={team.module.pk}&amp;view=blocking">1 open issue blocks go-live.'
        in page
    )
    assert f'href="/p/{team.project.pk}/training/completion/">1 of 1 end users is not trained yet' in page
    assert (
        f'href="/p/{team.project.pk}/modules/{team.module.pk}/#deliverables">6 of 6 deliverables are not signed off.'
        in page
    )
    # Levels are told in words as well as colours.
    assert '<span class="visually-hidden">Failing</span>' in page
    assert "Record the go / no-go decision" in page
    assert "Top risks" in page


def test_only_managers_are_offered_the_decision_and_only_consultants_the_thresholds(team):
    for role, decides, plans in [
        (Role.MANAGER, True, False),
        (Role.APP_CONSULTANT, False, True),
        (Role.KEY_USER, False, False),
        (Role.IT_USER, False, False),
    ]:
        page = team.client_for(role).get(url("dashboard", team)).content.decode()
        assert (url("decision_create", team) in page) is decides, role
        assert (url("thresholds", team) in page) is plans, role


def test_the_readiness_tab_shows_to_those_who_read_readiness(team):
    for role in Role:
        page = team.client_for(role).get(url("projects:detail", team)).content.decode()
        assert (url("dashboard", team) in page) is (role != Role.END_USER), role


def test_the_trends_are_svg_charts_with_a_title_a_description_and_their_figures(team):
    readiness_services.readiness_backfill(project=team.project, days=3)
    readiness_services.readiness_snapshot_take(project=team.project)
    page = team.client_for(Role.KEY_USER).get(url("dashboard", team)).content.decode()
    assert page.count('<svg class="chart-svg"') == 3
    assert '<title id="chart-training-title">Training completion over time</title>' in page
    assert '<desc id="chart-issues-desc">' in page
    assert "The figures</summary>" in page
    assert "* Reconstructed afterwards" in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_without_snapshots_the_dashboard_says_the_trends_start_with_the_first(team):
    page = team.client_for(Role.MANAGER).get(url("dashboard", team)).content.decode()
    assert "No snapshot yet" in page


def test_the_module_page_lists_the_evidence_behind_each_reason(team, blocked, evidence):
    person = Membership.objects.get(project=team.project, role=Role.END_USER, end_user_modules__module=team.module)
    response = team.client_for(Role.IT_USER).get(url("module", team, team.module.pk))
    page = response.content.decode()
    assert person.user.display_name in page
    assert "Payment run aborts" in page
    assert reverse("issues:detail", args=[team.project.pk, blocked.pk]) in page
    assert "Process design" in page or "Master data" in page  # a standard deliverable not signed off
    assert f"?status=missing&amp;module={team.module.pk}" in page  # IT users read the go-live access list


def test_the_module_page_lists_its_failed_runs_and_open_uat_defects_and_no_other_modules(team):
    key_user = team.members[Role.KEY_USER]
    other = module_make(project=team.project, code="pur", name="Purchasing")
    ours, theirs = scenario_make(module=team.module, title="Pay a supplier"), scenario_make(module=other)
    cycle = cycle_make(project=team.project, scenarios=[ours, theirs], start=timezone.localdate())
    failed = run_make(cycle=cycle, scenario=ours, tester=key_user, results=[Result.FAILED], finish=True)
    defect = acceptance_services.defect_raise(
        step_result=failed.step_results.get(order=1), severity="s2", reporter=key_user
    )
    consultant = team.members[Role.APP_CONSULTANT]
    elsewhere = run_make(cycle=cycle, scenario=theirs, tester=consultant, results=[Result.BLOCKED], finish=True)

    page = team.client_for(Role.MANAGER).get(url("module", team, team.module.pk)).content.decode()
    assert "Failed or blocked runs" in page
    assert reverse("acceptance:run_detail", args=[team.project.pk, failed.pk]) in page
    assert f"{ours.reference} Pay a supplier" in page
    assert reverse("issues:detail", args=[team.project.pk, defect.pk]) in page
    assert reverse("acceptance:run_detail", args=[team.project.pk, elsewhere.pk]) not in page


def test_a_module_out_of_scope_is_not_assessed(team):
    module = module_make(project=team.project, code="hr", name="HR", in_scope=False)
    page = team.client_for(Role.MANAGER).get(url("module", team, module.pk)).content.decode()
    assert "out of the project's scope" in page


def test_without_a_module_in_scope_the_matrix_says_the_project_cannot_be_ready(team):
    team.module.in_scope = False
    team.module.save()
    page = team.client_for(Role.MANAGER).get(url("dashboard", team)).content.decode()
    assert "No business module is in scope yet: the project cannot be ready." in page
    assert "readiness-cell" not in page


def test_the_matrix_exports_as_csv_and_excel(team, blocked):
    client = team.client_for(Role.MANAGER)
    csv = client.get(url("export", team) + "?format=csv")
    assert csv["Content-Disposition"].startswith(f'attachment; filename="{team.project.code}-readiness-')
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Module code,Module,Status,Key User coverage,")
    assert lines[1].startswith("fin,Finance,Not ready,at risk (1),failing (0 / 1),")
    xlsx = client.get(url("export", team) + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    row = [cell.value for cell in sheet[2]]
    assert row[:3] == ["fin", "Finance", "Not ready"]
    assert "1 open issue blocks go-live." in row[-1]


def test_the_report_is_a_page_to_print(team):
    page = team.client_for(Role.MANAGER).get(url("report", team)).content.decode()
    assert "Go-live readiness of Demo rollout" in page
    assert "css/readiness.css" in page  # its print styles


def test_a_consultant_changes_the_thresholds_and_a_refusal_keeps_what_was_typed(team):
    client = team.client_for(Role.APP_CONSULTANT)
    fields = {
        "readiness_training_ready": 95,
        "readiness_training_at_risk": 75,
        "readiness_certified_ready": 100,
        "readiness_certified_at_risk": 50,
        "readiness_deliverables_ready": 100,
        "readiness_deliverables_at_risk": 80,
        "readiness_acceptance_ready": 95,
        "readiness_acceptance_at_risk": 80,
        "readiness_blockers_max": 0,
        "readiness_overdue_ready": 0,
        "readiness_overdue_at_risk": 2,
    }
    assert client.post(url("thresholds", team), fields).status_code == 302
    team.project.refresh_from_db()
    assert team.project.readiness_training_ready == 95
    response = client.post(
        url("thresholds", team), {**fields, "readiness_overdue_at_risk": 0, "readiness_overdue_ready": 3}
    )
    assert response.status_code == 200
    assert "less strict" in response.content.decode()
    assert 'value="3"' in response.content.decode()
    team.project.refresh_from_db()
    assert team.project.readiness_overdue_ready == 0


def test_a_manager_records_a_decision_with_the_evidence_of_the_moment(team, blocked):
    client = team.client_for(Role.MANAGER)
    form = client.get(url("decision_create", team)).content.decode()
    assert "The evidence now" in form
    response = client.post(url("decision_create", team), {"outcome": "no_go", "rationale": "The S1 is open."})
    decision = GoLiveDecision.objects.get()
    assert response["Location"] == url("decision_detail", team, decision.pk)
    assert decision.evidence["modules"][0]["figures"]["open_blockers"] == 1
    page = client.get(response["Location"]).content.decode()
    assert "The S1 is open." in page
    assert "1 open issue blocks go-live." in page


def test_a_go_with_conditions_without_conditions_is_refused_on_the_page(team):
    response = team.client_for(Role.MANAGER).post(
        url("decision_create", team), {"outcome": "go_with_conditions", "rationale": "Mostly there."}
    )
    assert response.status_code == 200
    assert "A go with conditions states its conditions." in response.content.decode()
    assert "Mostly there." in response.content.decode()
    assert not GoLiveDecision.objects.exists()


def test_a_consultant_may_not_record_a_decision(team):
    response = team.client_for(Role.APP_CONSULTANT).post(
        url("decision_create", team), {"outcome": "go", "rationale": "x"}
    )
    assert response.status_code == 403
    assert not GoLiveDecision.objects.exists()


def test_the_decisions_page_shows_the_history_and_the_one_that_counts(team, time_machine):
    manager = team.members[Role.MANAGER]
    time_machine.move_to("2026-10-01 10:00:00+08:00")
    readiness_services.go_live_decision_record(
        project=team.project, decided_by=manager, outcome="no_go", rationale="Too early."
    )
    time_machine.move_to("2026-11-01 10:00:00+08:00")
    readiness_services.go_live_decision_record(
        project=team.project, decided_by=manager, outcome="go", rationale="Ready."
    )
    page = team.client_for(Role.KEY_USER).get(url("decision_list", team)).content.decode()
    assert page.index("Ready.") < page.index("Too early.")
    assert "The project may move to hypercare." in page


def test_the_phase_page_explains_the_gate(team):
    services.project_phase_change(project=team.project, to_phase="deploy", changed_by=None)
    response = team.client_for(Role.APP_CONSULTANT).post(
        url("projects:phase_change", team), {"to_phase": "hypercare", "note": "Cutover done"}
    )
    assert response.status_code == 200
    assert "before a manager records a go-live decision" in response.content.decode()
    team.project.refresh_from_db()
    assert team.project.phase == Project.Phase.DEPLOY


def test_the_portfolio_shows_each_project_with_its_latest_snapshot_to_those_who_read_readiness(team):
    readiness_services.readiness_snapshot_take(project=team.project)
    ReadinessSnapshot.objects.filter(project=team.project).update(day=datetime.date(2026, 11, 1))
    manager = team.client_for(Role.MANAGER).get(reverse("portfolio")).content.decode()
    assert "Demo rollout" in manager
    assert "as of" in manager
    assert "1 not ready" in manager
    end_user = team.client_for(Role.END_USER).get(reverse("portfolio")).content.decode()
    assert "Demo rollout" in end_user
    assert "Readiness is shared with the project team" in end_user
    assert "as of" not in end_user
    assert "Other rollout" not in manager


def test_the_portfolio_of_a_project_without_a_snapshot_says_so(team):
    page = team.client_for(Role.MANAGER).get(reverse("portfolio")).content.decode()
    assert "No snapshot yet" in page
