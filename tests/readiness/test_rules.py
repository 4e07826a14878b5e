"""The readiness rules on hand-built figures: each criterion against its thresholds, the status of a
module and of the project, and the reasons with the links to their evidence."""

import datetime
from dataclasses import replace

import pytest
from django.urls import set_script_prefix

from modules.models import BusinessModule
from projects.models import Project
from readiness.evidence import (
    Criterion,
    EvidenceLinks,
    Forecast,
    Level,
    ModuleFigures,
    ProjectReadiness,
    Thresholds,
    evaluate,
)
from readiness.models import ReadinessStatus

Status = ReadinessStatus
DEFAULTS = Thresholds.of(Project())  # the model's defaults: 100/80, 100/50, 100/80, 95/80, 0, 0/2
LINKS = EvidenceLinks(project_id=4, uat_cycle_id=7)
FINANCE = BusinessModule(pk=3, code="fin", name="Finance")

READY = ModuleFigures(
    module_id=3,
    key_users=2,
    key_users_certified=2,
    end_users=10,
    end_users_trained=10,
    deliverables=6,
    deliverables_signed_off=6,
    open_issues=4,
    open_blockers=0,
    open_blocking_go_live=0,
    open_s1_s2=0,
    overdue=0,
    uat_planned=20,
    uat_passed=20,
    uat_failed=0,
    uat_open_defects=0,
    uat_signed_off=True,
)


def judged(thresholds=DEFAULTS, links=LINKS, **changes):
    return evaluate(FINANCE, replace(READY, **changes), thresholds, links)


def check(criterion, thresholds=DEFAULTS, **changes):
    return judged(thresholds, **changes).check(criterion)


def test_the_defaults_are_those_of_the_field():
    assert (
        Thresholds(
            training_ready=100,
            training_at_risk=80,
            certified_ready=100,
            certified_at_risk=50,
            deliverables_ready=100,
            deliverables_at_risk=80,
            acceptance_ready=95,
            acceptance_at_risk=80,
            blockers_max=0,
            overdue_ready=0,
            overdue_at_risk=2,
        )
        == DEFAULTS
    )


def test_a_module_meeting_every_criterion_is_ready_without_reasons():
    result = judged()
    assert result.status == Status.READY
    assert {c.level for c in result.checks} == {Level.OK}
    assert [c.criterion for c in result.checks] == list(Criterion)
    assert result.reasons == []


@pytest.mark.parametrize(("key_users", "level"), [(0, Level.FAILING), (1, Level.WARNING), (2, Level.OK), (3, Level.OK)])
def test_a_module_needs_a_key_user_and_a_backup_is_recommended(key_users, level):
    result = check(Criterion.KEY_USERS, key_users=key_users, key_users_certified=key_users)
    assert result.level == level
    if key_users == 1:
        assert "backup" in result.reasons[0].text
        assert result.reasons[0].url == "/p/4/modules/3/#key-users"


@pytest.mark.parametrize(
    ("certified", "key_users", "level"),
    [(2, 2, Level.OK), (1, 2, Level.WARNING), (0, 2, Level.FAILING), (2, 3, Level.WARNING), (1, 3, Level.FAILING)],
)
def test_key_users_certified_against_100_and_50_percent(certified, key_users, level):
    assert check(Criterion.CERTIFIED, key_users=key_users, key_users_certified=certified).level == level


@pytest.mark.parametrize(
    ("trained", "level"),
    [(10, Level.OK), (9, Level.WARNING), (8, Level.WARNING), (7, Level.FAILING), (0, Level.FAILING)],
)
def test_end_users_trained_against_100_and_80_percent(trained, level):
    result = check(Criterion.TRAINING, end_users_trained=trained)
    assert result.level == level
    assert result.value == f"{trained * 10} %"


def test_a_share_is_compared_exactly_199_of_200_is_not_everyone():
    result = check(Criterion.TRAINING, end_users=200, end_users_trained=199)
    assert result.level == Level.WARNING
    assert result.value == "99 %"
    assert result.reasons[0].text == "1 of 200 end users is not trained yet (100 % needed)."
    assert result.reasons[0].url == "/p/4/training/completion/"


def test_a_module_nobody_is_assigned_to_is_at_risk_on_training():
    result = check(Criterion.TRAINING, end_users=0, end_users_trained=0)
    assert result.level == Level.WARNING
    assert result.reasons[0].url == "/p/4/modules/3/#end-users"


def test_thresholds_come_from_the_project():
    lenient = replace(DEFAULTS, training_ready=90, training_at_risk=50, deliverables_ready=50)
    assert check(Criterion.TRAINING, lenient, end_users_trained=9).level == Level.OK
    assert check(Criterion.TRAINING, lenient, end_users_trained=5).level == Level.WARNING
    assert check(Criterion.DELIVERABLES, lenient, deliverables_signed_off=3).level == Level.OK


@pytest.mark.parametrize(
    ("signed_off", "level"), [(6, Level.OK), (5, Level.WARNING), (4, Level.FAILING), (0, Level.FAILING)]
)
def test_deliverables_signed_off_against_100_and_80_percent(signed_off, level):
    result = check(Criterion.DELIVERABLES, deliverables_signed_off=signed_off)
    assert result.level == level
    assert result.value == f"{signed_off} / 6"
    assert result.url == "/p/4/modules/3/#deliverables"


@pytest.mark.parametrize(
    ("passed", "signed_off", "level"),
    [
        (20, True, Level.OK),
        (19, True, Level.OK),  # 95 %
        (19, False, Level.WARNING),  # passes, but not signed off
        (18, True, Level.WARNING),  # 90 %: below ready, above at risk
        (16, True, Level.WARNING),  # 80 %
        (15, True, Level.FAILING),  # 75 %
    ],
)
def test_acceptance_is_the_uat_pass_rate_against_95_and_80_percent_and_the_sign_off(passed, signed_off, level):
    result = check(Criterion.ACCEPTANCE, uat_passed=passed, uat_failed=20 - passed, uat_signed_off=signed_off)
    assert result.level == level
    assert result.value == f"{passed * 5} %"


def test_acceptance_reasons_link_to_the_cycle_the_failed_runs_and_the_open_defects():
    result = check(Criterion.ACCEPTANCE, uat_passed=15, uat_failed=3, uat_open_defects=2, uat_signed_off=False)
    assert [(r.text, r.url) for r in result.reasons] == [
        ("UAT pass rate 75 % (15 of 20 scenarios passed), below 95 %.", "/p/4/acceptance/cycles/7/?module=3"),
        ("3 scenarios failed or are blocked.", "/p/4/acceptance/cycles/7/?module=3&state=failed"),
        ("2 defects from the UAT are still open.", "/p/4/issues/?module=3&category=defect&status=open"),
        ("The module's Key User has not signed off the UAT.", "/p/4/acceptance/cycles/7/?module=3"),
    ]


def test_a_module_without_uat_scenarios_fails_acceptance():
    planned_elsewhere = check(Criterion.ACCEPTANCE, uat_planned=0, uat_passed=0)
    assert planned_elsewhere.level == Level.FAILING
    assert planned_elsewhere.reasons[0].text == "None of the module's scenarios is planned in the UAT cycle."
    no_cycle = judged(links=EvidenceLinks(project_id=4), uat_planned=0, uat_passed=0).check(Criterion.ACCEPTANCE)
    assert no_cycle.level == Level.FAILING
    assert no_cycle.reasons[0].text == "No user acceptance test (UAT) cycle is planned yet."
    assert no_cycle.url == "/p/4/acceptance/"


def test_one_open_blocking_or_s1_s2_issue_fails_by_default_with_a_link_for_each_kind():
    result = check(Criterion.BLOCKERS, open_blockers=3, open_blocking_go_live=2, open_s1_s2=2)
    assert result.level == Level.FAILING
    assert [(r.text, r.url) for r in result.reasons] == [
        ("2 open issues block go-live.", "/p/4/issues/?module=3&view=blocking"),
        ("2 open S1–S2 issues.", "/p/4/issues/?module=3&status=open&sort=severity"),
    ]
    allowing_one = replace(DEFAULTS, blockers_max=1)
    assert check(Criterion.BLOCKERS, allowing_one, open_blockers=1, open_s1_s2=1).level == Level.OK
    assert check(Criterion.BLOCKERS, allowing_one, open_blockers=2, open_s1_s2=2).level == Level.FAILING


@pytest.mark.parametrize(
    ("overdue", "level"), [(0, Level.OK), (1, Level.WARNING), (2, Level.WARNING), (3, Level.FAILING)]
)
def test_overdue_issues_against_0_and_2(overdue, level):
    result = check(Criterion.OVERDUE, overdue=overdue)
    assert result.level == level
    if overdue:
        assert result.reasons[0].url == "/p/4/issues/?module=3&view=overdue"


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, Status.READY),
        ({"key_users": 1, "key_users_certified": 1}, Status.AT_RISK),
        ({"overdue": 1}, Status.AT_RISK),
        ({"overdue": 1, "open_blockers": 1, "open_s1_s2": 1}, Status.NOT_READY),
        ({"deliverables_signed_off": 0}, Status.NOT_READY),
    ],
)
def test_a_failing_criterion_makes_a_module_not_ready_and_a_warning_at_risk(changes, status):
    assert judged(**changes).status == status


def project_of(*modules) -> ProjectReadiness:
    project = Project(pk=4, target_go_live=datetime.date(2026, 12, 1))
    return ProjectReadiness(project, datetime.date(2026, 11, 1), DEFAULTS, list(modules))


def test_the_project_is_as_ready_as_its_least_ready_module():
    ready, at_risk = judged(), judged(overdue=1)
    not_ready = judged(deliverables_signed_off=0)
    assert project_of(ready, ready).status == Status.READY
    assert project_of(ready, at_risk).status == Status.AT_RISK
    assert project_of(ready, at_risk, not_ready).status == Status.NOT_READY
    assert project_of(ready, at_risk, not_ready).counts == {"ready": 1, "at_risk": 1, "not_ready": 1}
    assert project_of(ready).days_to_go_live == 30


def test_a_project_without_modules_in_scope_is_not_ready():
    assert project_of().status == Status.NOT_READY


def test_top_risks_put_failures_first_then_what_weighs_most_on_a_go_live():
    warning_only = judged(overdue=1)
    failing = judged(end_users_trained=0, open_blockers=1, open_s1_s2=1, key_users=1, key_users_certified=1)
    risks = project_of(warning_only, failing).top_risks()
    assert [(check.criterion, check.level) for _module, check, _reason in risks] == [
        (Criterion.BLOCKERS, Level.FAILING),
        (Criterion.TRAINING, Level.FAILING),
        (Criterion.OVERDUE, Level.WARNING),
        (Criterion.KEY_USERS, Level.WARNING),
    ]
    assert len(project_of(*[failing] * 5).top_risks(limit=3)) == 3


TODAY = datetime.date(2026, 11, 1)
TARGET = datetime.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("open_now", "settled", "zero_on", "margin"),
    [
        (6, 3, datetime.date(2026, 11, 29), 32),  # 3 a fortnight: 28 days for 6
        (6, 1, datetime.date(2027, 1, 24), -24),  # 1 a fortnight: 84 days
        (0, 0, TODAY, 60),
        (4, 0, None, None),  # nothing settled lately: no forecast
    ],
)
def test_the_burn_down_forecast_extrapolates_the_recent_closing_rate(open_now, settled, zero_on, margin):
    forecast = Forecast(open=open_now, settled=settled, logged=2, window_days=14, today=TODAY, target=TARGET)
    assert forecast.zero_on == zero_on
    assert forecast.margin_days == margin
    assert forecast.on_track is (margin is not None and margin >= 0)


def test_evidence_links_keep_the_prefix_the_site_is_served_under():
    """Links are made for a request (the addresses memoised across requests are keyed on the prefix)."""
    assert LINKS.issues(3, status="open") == "/p/4/issues/?module=3&status=open"
    set_script_prefix("/erp/")
    try:
        links = EvidenceLinks(4)
        assert links.issues(3, status="open") == "/erp/p/4/issues/?module=3&status=open"
        assert links.module(3, "key-users") == "/erp/p/4/modules/3/#key-users"
    finally:
        set_script_prefix("/")
    assert EvidenceLinks(4).module(3, "key-users") == "/p/4/modules/3/#key-users"
