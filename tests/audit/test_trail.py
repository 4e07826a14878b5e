"""What the audit trail records and shows: who, when, what, and each value before → after, for every
kind of object, kept when the object (or its module) is deleted, and only for the project's own."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from acceptance import services as acceptance_services
from acceptance.models import AcceptanceException, ModuleSignOff
from audit.selectors import KINDS
from issues import services as issue_services
from issues.models import Issue, SlaPolicy
from modules import services as module_services
from modules.models import BusinessModule, Deliverable, KeyUserAssignment, ModuleEndUser
from people import services as people_services
from people.models import Membership
from projects.models import Project
from readiness import services as readiness_services
from readiness.evidence import THRESHOLD_FIELDS
from readiness.models import GoLiveDecision
from team import services as team_services
from tests.acceptance.factories import cycle_make, scenario_make
from tests.audit.conftest import past_session
from tests.factories import module_make
from training import services as training_services
from training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db


Role = Membership.Role


def trail(team, who=Role.MANAGER, **filters):
    response = team.client_for(who).get(reverse("audit:list", args=[team.project.pk]), filters)
    assert response.status_code == 200
    return response.context["page"].object_list


def changes(entry) -> dict[str, tuple[str, str]]:
    return {change.label: (change.before, change.after) for change in entry.changes}


def test_a_deliverable_changed_on_its_page_shows_who_when_and_each_value_before_and_after(team):
    deliverable = team.module.deliverables.get(name="Master data")
    key_user = team.members[Role.KEY_USER]
    moment = datetime.datetime(2030, 5, 4, 10, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        response = team.client_for(Role.KEY_USER).post(
            reverse("modules:deliverable_update", args=[team.project.pk, team.module.pk, deliverable.pk]),
            {"status": "in_progress", "owner": "", "due_date": "2030-06-30", "note": "Chart of accounts"},
        )
    assert response.status_code == 302

    entry = trail(team, kind="deliverable")[0]
    assert (entry.action, entry.when, entry.who) == ("~", moment, key_user.user.display_name)
    assert entry.subject == "Master data · Finance"
    assert entry.url == reverse("modules:detail", args=[team.project.pk, team.module.pk])
    assert changes(entry)["status"] == ("Not started", "In progress")
    assert changes(entry)["owner"] == (key_user.user.display_name, "—")
    assert changes(entry)["due date"][1] == "06/30/2030"
    assert changes(entry)["note"] == ("—", "Chart of accounts")
    assert "updated" not in changes(entry)


def test_the_page_shows_before_and_after_and_says_who(team):
    deliverable = team.module.deliverables.get(name="Master data")
    team.client_for(Role.APP_CONSULTANT).post(
        reverse("modules:deliverable_update", args=[team.project.pk, team.module.pk, deliverable.pk]),
        {"status": "signed_off", "owner": "", "due_date": "", "note": ""},
    )
    page = team.client_for(Role.MANAGER).get(reverse("audit:list", args=[team.project.pk])).content.decode()
    assert '<del class="text-body-secondary">Not started</del>' in page
    assert "Signed off" in page
    assert team.user(Role.APP_CONSULTANT).display_name in page


def test_changes_made_outside_a_request_are_attributed_to_the_system(team):
    module_services.module_update(module=team.module, name="Finance and controlling")
    entry = trail(team, kind="module")[0]
    assert entry.who == ""
    assert changes(entry)["name"] == ("Finance", "Finance and controlling")


def test_a_deleted_module_keeps_its_history_and_that_of_its_key_users_sessions_and_attendance(team):
    warehouse = module_make(project=team.project, code="wm", name="Warehouse", key_users=[team.members[Role.KEY_USER]])
    session = past_session(team, warehouse)
    attendance = session.attendances.get()
    training_services.attendance_record(session=session, marks={attendance.pk: (Attendance.Status.PRESENT, None)})
    response = team.client_for(Role.APP_CONSULTANT).post(
        reverse("modules:delete", args=[team.project.pk, warehouse.pk])
    )
    assert response.status_code == 302

    deleted = [entry for entry in trail(team) if entry.action == "-"]
    subjects = {(entry.kind.key, entry.subject) for entry in deleted}
    person = team.user(Role.KEY_USER).display_name
    end_user = team.user(Role.END_USER).display_name
    assert {
        ("module", "Warehouse"),
        ("key_user", f"{person} → Warehouse"),
        ("deliverable", "Master data · Warehouse"),
        ("session", "Posting invoices · Warehouse"),
        ("attendance", f"{end_user} · Posting invoices"),
    } <= subjects
    assert all(entry.who == team.user(Role.APP_CONSULTANT).display_name for entry in deleted)
    assert all(entry.url == "" for entry in deleted)  # nothing left to link to
    recorded = next(entry for entry in trail(team, kind="attendance") if entry.action == "~")
    assert changes(recorded)["attendance"] == ("Invited", "Present")


def test_a_deleted_modules_history_stays_in_its_own_project(team):
    warehouse = module_make(project=team.project, code="wm", name="Warehouse", key_users=[team.members[Role.KEY_USER]])
    module_services.module_delete(module=warehouse)
    other_key_user = team.other_module.key_user_assignments.get().membership
    other = module_make(project=team.other_project, code="qm", name="Quality", key_users=[other_key_user])
    module_services.module_delete(module=other)

    subjects = {entry.subject for entry in trail(team)}
    assert "Warehouse" in subjects
    assert not {"Quality", "Warehouse (other)"} & subjects
    assert not any("Quality" in subject for subject in subjects)


def test_another_projects_changes_never_show(team):
    other_deliverable = team.other_module.deliverables.first()
    module_services.deliverable_update(
        deliverable=other_deliverable, acting_user=None, status="done", owner=None, due_date=None
    )
    issue_services.issue_create(
        module=team.other_module,
        title="Secret issue",
        description="",
        category=Issue.Category.QUESTION,
        severity=Issue.Severity.S4,
        reporter=team.other_module.key_user_assignments.get().membership,
    )
    entries = trail(team)
    assert not any("Warehouse" in entry.subject or "Secret" in entry.subject for entry in entries)


def test_a_role_change_shows_the_role_before_and_after(team):
    member = team.members[Role.IT_USER]
    team_services.membership_update(membership=member, role=Role.MANAGER, department="PMO")
    entry = trail(team, kind="membership")[0]
    assert changes(entry)["role"] == ("IT user", "Manager")
    assert changes(entry)["department"] == ("Operations", "PMO")
    assert entry.subject == f"{member.user.display_name} (Manager)"


def test_key_user_assignments_show_promotions(team):
    backup = people_services.person_add(project=team.project, role=Role.KEY_USER, username="li.na", first_name="Na")
    module_services.key_user_assign(module=team.module, membership=backup, kind="primary")
    entries = trail(team, kind="key_user")
    demoted = next(entry for entry in entries if entry.action == "~")
    assert changes(demoted)["kind"] == ("Primary", "Backup")
    created = next(entry for entry in entries if entry.action == "+" and "Na" in entry.subject)
    assert changes(created)["kind"] == ("", "Primary")


def test_issue_changes_show_the_workflow(team):
    issue = issue_services.issue_create(
        module=team.module,
        title="Posting fails",
        description="F5 201",
        category=Issue.Category.DEFECT,
        severity=Issue.Severity.S2,
        reporter=team.members[Role.KEY_USER],
    )
    issue_services.issue_transition(issue=issue, to_status=Issue.Status.TRIAGED, actor=team.members[Role.KEY_USER])
    changed, created = trail(team, kind="issue")[:2]
    assert created.action == "+"
    assert changes(created)["title"] == ("", "Posting fails")
    assert changes(changed)["status"] == ("New", "Triaged")
    assert "SLA clock started" not in changes(changed)
    assert changed.subject == "#1 Posting fails"
    assert changed.url == reverse("issues:detail", args=[team.project.pk, issue.pk])


def test_go_live_decisions_are_listed(team):
    readiness_services.go_live_decision_record(
        project=team.project,
        decided_by=team.members[Role.MANAGER],
        outcome=GoLiveDecision.Outcome.NO_GO,
        rationale="Training is behind.",
    )
    entry = trail(team, kind="decision")[0]
    assert entry.action == "+"
    assert changes(entry)["decision"] == ("", "No-go")
    assert changes(entry)["rationale"] == ("", "Training is behind.")
    assert "evidence" not in changes(entry)


def test_the_newest_change_comes_first(team):
    for day, name in ((1, "Finance 1"), (3, "Finance 3"), (2, "Finance 2")):
        with time_machine.travel(datetime.datetime(2030, 5, day, 9, tzinfo=datetime.UTC), tick=False):
            module_services.module_update(module=team.module, name=name)
    assert [entry.subject for entry in trail(team, kind="module")] == ["Finance 3", "Finance 2", "Finance 1", "Finance"]
    whens = [entry.when for entry in trail(team)]
    assert whens == sorted(whens, reverse=True)


def test_filters_by_person_dates_module_and_kind(team):
    deliverable = team.module.deliverables.get(name="Master data")
    url = reverse("modules:deliverable_update", args=[team.project.pk, team.module.pk, deliverable.pk])
    with time_machine.travel(datetime.datetime(2030, 5, 4, 9, tzinfo=datetime.UTC), tick=False):
        team.client_for(Role.KEY_USER).post(url, {"status": "in_progress", "owner": "", "due_date": "", "note": ""})
    with time_machine.travel(datetime.datetime(2030, 5, 6, 9, tzinfo=datetime.UTC), tick=False):
        team.client_for(Role.APP_CONSULTANT).post(url, {"status": "done", "owner": "", "due_date": "", "note": ""})
        warehouse = module_make(
            project=team.project, code="wm", name="Warehouse", key_users=[team.members[Role.KEY_USER]]
        )
        session = past_session(team)

    by_key_user = trail(team, person=team.user(Role.KEY_USER).pk)
    assert [(e.kind.key, changes(e)["status"]) for e in by_key_user] == [
        ("deliverable", ("Not started", "In progress"))
    ]
    on_the_4th = trail(team, date_from="2030-05-04", date_to="2030-05-04")
    assert [e.who for e in on_the_4th] == [team.user(Role.KEY_USER).display_name]
    since_the_5th = trail(team, date_from="2030-05-05")
    assert {e.kind.key for e in since_the_5th} == {"deliverable", "module", "key_user", "session", "attendance"}
    about_warehouse = trail(team, module=warehouse.pk)
    assert {e.kind.key for e in about_warehouse} == {"module", "key_user", "deliverable"}
    about_finance = trail(team, module=team.module.pk, kind="attendance")
    assert [e.subject for e in about_finance] == [f"{team.user(Role.END_USER).display_name} · {session.title}"]
    assert trail(team, module=team.module.pk, kind="membership") == []


def test_an_invalid_filter_is_left_out(team):
    module_services.module_update(module=team.module, name="Finance and controlling")
    assert trail(team, date_from="not a date", kind="module")[0].subject == "Finance and controlling"


def test_every_kind_the_trail_lists_keeps_its_history_with_who_changed_it(settings):
    required = {
        Project,
        SlaPolicy,
        ModuleSignOff,
        AcceptanceException,
        Membership,
        BusinessModule,
        KeyUserAssignment,
        ModuleEndUser,
        Deliverable,
        TrainingSession,
        Attendance,
        Issue,
        GoLiveDecision,
    }
    assert required == {kind.model for kind in KINDS.values()}
    assert all(hasattr(model, "history") for model in required)
    assert "simple_history.middleware.HistoryRequestMiddleware" in settings.MIDDLEWARE


def test_a_threshold_changed_on_its_page_shows_who_and_the_values_before_and_after(team):
    response = team.client_for(Role.APP_CONSULTANT).post(
        reverse("readiness:thresholds", args=[team.project.pk]),
        {
            **{name: getattr(team.project, name) for name in THRESHOLD_FIELDS},
            "readiness_training_at_risk": 70,
        },
    )
    assert response.status_code == 302
    entry = trail(team, kind="project")[0]
    assert (entry.action, entry.who, entry.subject) == (
        "~",
        team.user(Role.APP_CONSULTANT).display_name,
        "Demo rollout",
    )
    assert changes(entry) == {"end users trained · at risk from (%)": ("80", "70")}


def test_service_level_changes_are_listed(team):
    policy = issue_services.sla_policy_get_or_create(project=team.project)
    issue_services.sla_policy_update(policy=policy, s1_resolve_hours=6)
    entry = trail(team, kind="sla_policy")[0]
    assert entry.subject == "SLA policy"
    assert changes(entry)["S1 · hours to resolve"] == ("8", "6")


def test_an_acceptance_sign_off_and_an_exception_are_listed_with_their_cycle_and_module(team):
    cycle = cycle_make(project=team.project, scenarios=[scenario_make(module=team.module)])
    acceptance_services.exception_create(
        cycle=cycle, module=team.module, consultant=team.members[Role.APP_CONSULTANT], reason="Workaround agreed"
    )
    exception = trail(team, kind="acceptance_exception")[0]
    assert exception.subject == f"{cycle.name} · Finance"
    assert exception.url == reverse("acceptance:cycle_detail", args=[team.project.pk, cycle.pk])
    assert changes(exception)["reason"] == ("", "Workaround agreed")
    assert changes(exception)["recorded by"][1] == team.user(Role.APP_CONSULTANT).display_name

    acceptance_services.sign_off_create(cycle=cycle, module=team.module, signed_by=team.members[Role.KEY_USER])
    sign_off = trail(team, kind="sign_off", module=team.module.pk)[0]
    assert sign_off.subject == f"{cycle.name} · Finance"
    assert changes(sign_off)["signed off by"][1] == team.user(Role.KEY_USER).display_name
