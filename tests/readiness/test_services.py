"""Readiness writes: the thresholds, the go / no-go decision and the go-live gate, and the daily
snapshots with their backfill."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.models import Membership
from projects import services
from projects.models import PhaseChange, Project
from readiness import selectors as readiness_selectors
from readiness import services as readiness_services
from readiness import tasks
from readiness.models import GoLiveDecision, ReadinessSnapshot
from tests.factories import MembershipFactory, module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role
Outcome = GoLiveDecision.Outcome


def decide(team, outcome=Outcome.GO, **fields) -> GoLiveDecision:
    return readiness_services.go_live_decision_record(
        project=team.project,
        decided_by=fields.pop("decided_by", team.members[Role.MANAGER]),
        outcome=outcome,
        rationale=fields.pop("rationale", "Every module is ready."),
        **fields,
    )


def to_hypercare(team):
    return services.project_phase_change(
        project=team.project, to_phase=Project.Phase.HYPERCARE, changed_by=team.user(Role.APP_CONSULTANT)
    )


# --- The gate -----------------------------------------------------------------------------------------


def test_the_project_cannot_go_live_without_a_decision(team):
    with pytest.raises(ValidationError, match="before a manager records a go-live decision"):
        to_hypercare(team)
    team.project.refresh_from_db()
    assert team.project.phase == Project.Phase.REALIZE
    assert not PhaseChange.objects.filter(project=team.project).exists()


def test_the_project_cannot_go_live_after_a_no_go(team):
    decide(team, Outcome.NO_GO, rationale="Warehouse is not trained.")
    with pytest.raises(ValidationError, match=r"the latest go-live decision, on .*, is a no-go"):
        to_hypercare(team)


@pytest.mark.parametrize("outcome", [Outcome.GO, Outcome.GO_WITH_CONDITIONS])
def test_a_go_opens_the_gate(team, outcome):
    decide(team, outcome, conditions="Hypercare desk staffed for four weeks.")
    services.project_phase_change(project=team.project, to_phase="deploy", changed_by=None)
    change = to_hypercare(team)
    assert (change.from_phase, change.to_phase) == ("deploy", "hypercare")


def test_the_latest_decision_counts(team, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+08:00")
    decide(team, Outcome.GO)
    time_machine.move_to("2026-11-03 10:00:00+08:00")
    decide(team, Outcome.NO_GO, rationale="A blocking defect came back.")
    with pytest.raises(ValidationError, match="is a no-go"):
        to_hypercare(team)


def test_the_gate_concerns_only_the_move_into_hypercare(team):
    for phase in ("deploy", "closed", "realize"):
        services.project_phase_change(project=team.project, to_phase=phase, changed_by=None)
    assert team.project.phase_changes.count() == 3


# --- Decisions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role if r != Role.MANAGER])
def test_only_managers_decide(team, role):
    with pytest.raises(ValidationError, match="Only the project's managers"):
        decide(team, decided_by=team.members[role])
    assert not GoLiveDecision.objects.exists()


def test_a_manager_of_another_project_or_a_former_manager_does_not_decide(team):
    other_manager = MembershipFactory(project=team.other_project, role=Role.MANAGER)
    with pytest.raises(ValidationError, match="Only the project's managers"):
        decide(team, decided_by=other_manager)
    manager = team.members[Role.MANAGER]
    manager.is_active = False
    manager.save()
    with pytest.raises(ValidationError, match="Only the project's managers"):
        decide(team, decided_by=manager)


def test_a_decision_states_why_and_a_go_with_conditions_its_conditions(team):
    with pytest.raises(ValidationError) as refused:
        decide(team, Outcome.NO_GO, rationale="  ")
    assert "rationale" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        decide(team, Outcome.GO_WITH_CONDITIONS, conditions="")
    assert "conditions" in refused.value.error_dict
    assert not GoLiveDecision.objects.exists()


def test_a_decision_keeps_its_evidence_when_the_data_later_changes(team, evidence):
    issue = evidence.issue(severity="s1", blocks=True)
    decision = decide(team, Outcome.NO_GO, rationale="An S1 is open.")
    kept = decision.evidence
    finance = next(m for m in kept["modules"] if m["id"] == team.module.pk)
    assert kept["status"] == decision.status == "not_ready"
    assert finance["figures"]["open_blockers"] == 1
    assert "1 open issue blocks go-live." in [r["text"] for c in finance["checks"] for r in c["reasons"]]
    assert kept["thresholds"]["blockers_max"] == 0
    assert kept["forecast"]["open"] == 1

    evidence.settle(issue)
    services.readiness_thresholds_update(project=team.project, readiness_blockers_max=3)
    team.module.name = "Finance and controlling"
    team.module.save()

    decision.refresh_from_db()
    assert decision.evidence == kept
    assert decision.evidence["modules"][0]["name"] == "Finance"


def test_only_a_decisions_own_page_reads_the_evidence_it_keeps(team, evidence):
    """The evidence is the readiness of every module at the time (tens of kilobytes on a large rollout):
    the dashboard, the decision list and the portfolio show the outcome, who and when, without it."""
    decision = decide(team, Outcome.NO_GO, rationale="Not yet.")
    with CaptureQueriesContext(connection) as reads:
        latest = readiness_selectors.latest_decision(project=team.project)
        listed = list(readiness_selectors.decision_list(project=team.project))
        assert (latest.outcome, latest.decided_by.pk) == (Outcome.NO_GO, team.user(Role.MANAGER).pk)
        assert listed == [decision]
    assert len(reads) == 2
    assert not any('"evidence"' in read["sql"] for read in reads)
    assert readiness_selectors.decision_get(project=team.project, pk=decision.pk).evidence == decision.evidence


def test_a_decision_records_who_when_the_phase_and_the_target(team, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+08:00", tick=False)
    decision = decide(team, Outcome.GO_WITH_CONDITIONS, conditions="Cutover rehearsal passes.")
    assert decision.decided_by == team.user(Role.MANAGER)
    assert decision.decided_at == timezone.now()
    assert (decision.phase, decision.target_go_live) == ("realize", team.project.target_go_live)
    assert decision.history.count() == 1


# --- Thresholds -----------------------------------------------------------------------------------------


def test_thresholds_are_saved_and_an_at_risk_threshold_stricter_than_ready_is_refused(team):
    services.readiness_thresholds_update(
        project=team.project, readiness_training_ready=90, readiness_training_at_risk=70
    )
    team.project.refresh_from_db()
    assert (team.project.readiness_training_ready, team.project.readiness_training_at_risk) == (90, 70)
    with pytest.raises(ValidationError, match="less strict"):
        services.readiness_thresholds_update(project=team.project, readiness_training_at_risk=95)
    with pytest.raises(ValidationError):
        services.readiness_thresholds_update(
            project=team.project, readiness_acceptance_ready=101, readiness_acceptance_at_risk=80
        )
    team.project.refresh_from_db()
    assert (team.project.readiness_training_at_risk, team.project.readiness_acceptance_ready) == (70, 95)


def test_a_threshold_change_refreshes_todays_snapshot_after_commit(team, django_capture_on_commit_callbacks):
    readiness_services.readiness_snapshot_take(project=team.project)
    # Not certified, no deliverable signed off, no UAT: three failures.
    assert ReadinessSnapshot.objects.get(module=team.module).checks_failing == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.readiness_thresholds_update(
            project=team.project, readiness_certified_at_risk=0, readiness_deliverables_at_risk=0
        )
    assert ReadinessSnapshot.objects.get(module=team.module).checks_failing == 1


def test_thresholds_update_takes_only_thresholds(team):
    with pytest.raises(TypeError):
        services.readiness_thresholds_update(project=team.project, phase="closed")


# --- Snapshots ----------------------------------------------------------------------------------------


def test_a_snapshot_is_one_row_per_module_and_day_however_often_it_is_taken(team, evidence):
    module_make(project=team.project, code="wh")
    assert readiness_services.readiness_snapshot_take(project=team.project) == 2
    evidence.issue(severity="s2")
    readiness_services.readiness_snapshot_take(project=team.project)
    rows = ReadinessSnapshot.objects.filter(project=team.project)
    assert rows.count() == 2
    assert rows.get(module=team.module).open_blockers == 1  # the day keeps its latest figures
    assert not rows.filter(reconstructed=True).exists()


def test_the_beat_task_snapshots_every_open_project_once_a_day(team):
    Project.objects.filter(pk=team.other_project.pk).update(phase=Project.Phase.CLOSED)
    assert tasks.readiness_snapshots_take() == 1
    assert tasks.readiness_snapshots_take() == 1
    assert ReadinessSnapshot.objects.filter(project=team.project).count() == 1
    assert not ReadinessSnapshot.objects.filter(project=team.other_project).exists()
    assert tasks.readiness_snapshot_refresh(0) == 0  # a project deleted meanwhile


def test_the_next_day_adds_a_row(team):
    with time_machine.travel("2026-11-02 10:00:00+08:00"):
        readiness_services.readiness_snapshot_take(project=team.project)
    with time_machine.travel("2026-11-03 10:00:00+08:00"):
        readiness_services.readiness_snapshot_take(project=team.project)
    assert list(ReadinessSnapshot.objects.order_by("day").values_list("day", flat=True)) == [
        datetime.date(2026, 11, 2),
        datetime.date(2026, 11, 3),
    ]


def test_the_backfill_reconstructs_missing_days_and_keeps_recorded_ones(team, evidence):
    with time_machine.travel("2026-11-10 10:00:00+08:00"):
        readiness_services.readiness_snapshot_take(project=team.project)
    with time_machine.travel("2026-11-12 10:00:00+08:00"):
        evidence.issue(severity="s1", days=-1)  # logged on the 11th
        created = readiness_services.readiness_backfill(project=team.project, days=5)
        again = readiness_services.readiness_backfill(project=team.project, days=5)
    rows = {s.day.day: s for s in ReadinessSnapshot.objects.filter(module=team.module)}
    assert (created, again) == (4, 0)  # the 7th, 8th, 9th and 11th; the 10th was recorded
    assert sorted(rows) == [7, 8, 9, 10, 11]
    assert not rows[10].reconstructed
    assert rows[11].reconstructed
    assert (rows[9].open_blockers, rows[11].open_blockers) == (0, 1)


def test_the_backfill_starts_no_earlier_than_the_project(team):
    Project.objects.filter(pk=team.project.pk).update(start_date=timezone.localdate() - datetime.timedelta(days=3))
    team.project.refresh_from_db()
    assert readiness_services.readiness_backfill(project=team.project, days=30) == 3


def test_the_command_takes_today_and_backfills(team):
    call_command("readiness_snapshot", "--backfill", "2", "--project", team.project.code)
    assert ReadinessSnapshot.objects.filter(project=team.project).count() == 3
    call_command("readiness_snapshot", "--backfill", "2")
    assert ReadinessSnapshot.objects.filter(project=team.project).count() == 3
    assert ReadinessSnapshot.objects.filter(project=team.other_project).count() == 3
