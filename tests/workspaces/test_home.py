"""Each role's home page lists exactly what that role acts on, project by project, and nothing of a
project the person is not a member of."""

import datetime

import pytest
from django.urls import reverse

from issues import services as issue_services
from issues.models import Issue
from modules.models import Deliverable
from modules.services import key_user_assign, module_end_user_add
from people.models import Membership
from readiness import services as readiness_services
from readiness.models import ReadinessStatus
from tests.factories import MembershipFactory, ProjectFactory, module_make
from tests.training.conftest import at, end_user_make, held, session_make
from tests.workspaces.conftest import days, deliverable_make, home_groups, issue_make, pks
from training import services as training_services
from training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db

Role = Membership.Role
Tier = Issue.Tier


def escalate(issue, to_tier, actor):
    return issue_services.issue_escalate(issue=issue, to_tier=to_tier, reason="Needs the next tier", actor=actor)


@pytest.fixture
def elsewhere(team):
    """Things of the other project that would qualify for every role, to prove none of them shows."""
    outsider = Membership.objects.get(user=team.outsider, project=team.other_project)
    consultant = MembershipFactory(project=team.other_project, role=Role.APP_CONSULTANT)
    end_user = MembershipFactory(project=team.other_project, role=Role.END_USER)
    new = issue_make(team.other_module, outsider, "Elsewhere: new issue")
    escalate(issue_make(team.other_module, outsider, "Elsewhere: escalated"), Tier.CONSULTANT, outsider)
    escalate(issue_make(team.other_module, outsider, "Elsewhere: technical"), Tier.TECHNICAL, outsider)
    issue_make(team.other_module, end_user, "Elsewhere: help request")
    deliverable_make(team.other_module, name="Elsewhere: overdue", due=days(-3), owner=outsider)
    session_make(team, module=team.other_module, trainer=consultant, start=at(1), title="Elsewhere: session")
    return new


def test_a_consultant_sees_modules_without_backup_overdue_deliverables_escalations_and_the_weeks_sessions(
    team, morning, elsewhere
):
    key_user = team.members[Role.KEY_USER]
    consultant = team.members[Role.APP_CONSULTANT]
    covered = module_make(
        project=team.project,
        name="Sales",
        key_users=[key_user, MembershipFactory(project=team.project, role=Role.KEY_USER)],
    )
    late = deliverable_make(team.module, name="Vendor master load", due=days(-2), owner=key_user)
    deliverable_make(
        team.module, name="Payment run design", due=days(-2), owner=key_user, status=Deliverable.Status.DONE
    )
    deliverable_make(team.module, name="Cutover plan", due=days(3), owner=key_user)
    escalated = escalate(issue_make(team.module, key_user, "Tax code missing"), Tier.CONSULTANT, key_user)
    technical = escalate(issue_make(team.module, key_user, "Interface down"), Tier.TECHNICAL, key_user)
    assigned = issue_make(team.module, key_user, "Report layout", assignee=consultant)
    settled = escalate(issue_make(team.module, key_user, "Old question"), Tier.CONSULTANT, key_user)
    issue_services.issue_transition(issue=settled, to_status="triaged", actor=consultant)
    issue_services.issue_transition(issue=settled, to_status="resolved", actor=consultant, resolution="Answered")
    issue_make(team.module, key_user, "Still with the Key User")
    this_week = session_make(team, start=at(2), title="Invoices")
    session_make(team, start=at(9), title="Later")
    training_services.session_cancel(session=session_make(team, start=at(3), title="Cancelled"))

    groups = home_groups(team.client_for(Role.APP_CONSULTANT))
    assert list(groups) == [team.project]
    block = groups[team.project]["block"]
    assert [m.pk for m in block["modules_without_backup"].items] == [team.module.pk]
    assert covered.pk not in pks(block["modules_without_backup"])
    assert pks(block["overdue_deliverables"]) == [late.pk]
    assert sorted(pks(block["escalated_issues"])) == sorted([escalated.pk, assigned.pk])
    assert technical.pk not in pks(block["escalated_issues"])
    assert pks(block["sessions_this_week"]) == [this_week.pk]

    tech_block = home_groups(team.client_for(Role.TECH_CONSULTANT))[team.project]["block"]
    assert pks(tech_block["escalated_issues"]) == [technical.pk]


def test_every_item_on_a_consultants_home_links_to_where_it_is_handled(team, morning):
    key_user = team.members[Role.KEY_USER]
    late = deliverable_make(team.module, name="Vendor master load", due=days(-2), owner=key_user)
    escalated = escalate(issue_make(team.module, key_user, "Tax code missing"), Tier.CONSULTANT, key_user)
    session = session_make(team, start=at(2), title="Invoices")
    page = team.client_for(Role.APP_CONSULTANT).get(reverse("home")).content.decode()
    pid = team.project.pk
    assert f'href="{reverse("issues:detail", args=[pid, escalated.pk])}"' in page
    assert f'href="{reverse("modules:deliverable_update", args=[pid, team.module.pk, late.pk])}"' in page
    assert f'href="{reverse("modules:detail", args=[pid, team.module.pk])}#key-users"' in page
    assert f'href="{reverse("training:detail", args=[pid, session.pk])}"' in page


def test_a_key_user_sees_their_modules_issues_to_triage_overdue_issues_sessions_and_deliverables(
    team, morning, elsewhere
):
    key_user = team.members[Role.KEY_USER]
    end_user = team.members[Role.END_USER]
    backup_of = module_make(project=team.project, name="Payables")
    key_user_assign(module=backup_of, membership=key_user, kind="backup")
    not_mine = module_make(project=team.project, name="Warehouse")
    module_make(project=team.project, name="Costing", in_scope=False, key_users=[key_user])

    request = issue_make(team.module, end_user, "How do I post a credit memo?")
    triaged = issue_make(team.module, key_user, "Already triaged")
    issue_services.issue_transition(issue=triaged, to_status="triaged", actor=key_user)
    issue_make(not_mine, not_mine.key_user_assignments.get().membership, "Someone else's module")
    morning.shift(datetime.timedelta(days=4))  # S3: 72 hours to resolve
    just_logged = issue_make(team.module, key_user, "Logged today, not overdue yet")

    to_record = session_make(team, start=at(-1), title="Yesterday's session")
    teaching = session_make(team, start=at(2), title="Thursday's session")
    session_make(team, start=at(20), title="Next month")
    session_make(team, kind=TrainingSession.Kind.TRAIN_THE_TRAINER, start=at(1), title="Given by the consultant")

    due = deliverable_make(team.module, name="Quick reference card", due=days(5), owner=key_user)
    deliverable_make(team.module, name="Cutover plan", due=days(40), owner=key_user)
    deliverable_make(team.module, name="Signed", due=days(2), owner=key_user, status=Deliverable.Status.DONE)
    deliverable_make(team.module, name="Someone else's", due=days(2), owner=team.members[Role.APP_CONSULTANT])

    groups = home_groups(team.client_for(Role.KEY_USER))
    assert list(groups) == [team.project]
    block = groups[team.project]["block"]
    assert [(row.module.name, row.kind) for row in block["modules"]] == [("Finance", "primary"), ("Payables", "backup")]
    assert pks(block["issues_to_triage"]) == [request.pk, just_logged.pk]  # new, whoever logged them
    assert pks(block["overdue_issues"]) == [request.pk, triaged.pk]
    assert pks(block["attendance_to_record"]) == [to_record.pk]
    assert pks(block["sessions_teaching"]) == [teaching.pk]
    assert pks(block["deliverables_due"]) == [due.pk]


def test_overdue_issues_assigned_to_a_key_user_in_another_module_show_too(team, morning):
    key_user = team.members[Role.KEY_USER]
    other = module_make(project=team.project, name="Warehouse")
    given = issue_make(other, other.key_user_assignments.get().membership, "Given to me", assignee=key_user)
    morning.shift(datetime.timedelta(days=4))
    block = home_groups(team.client_for(Role.KEY_USER))[team.project]["block"]
    assert pks(block["overdue_issues"]) == [given.pk]


def test_an_it_user_sees_technical_issues_and_the_accounts_to_create(team, morning, elsewhere):
    key_user = team.members[Role.KEY_USER]
    it_user = team.members[Role.IT_USER]
    escalated = escalate(issue_make(team.module, key_user, "Interface down"), Tier.TECHNICAL, key_user)
    assigned = issue_make(team.module, key_user, "Printer queue", assignee=it_user)
    escalate(issue_make(team.module, key_user, "Business question"), Tier.CONSULTANT, key_user)
    taken = escalate(issue_make(team.module, key_user, "Batch job"), Tier.TECHNICAL, key_user)
    issue_services.issue_assign(issue=taken, assignee=team.members[Role.TECH_CONSULTANT], actor=key_user)
    trained, untrained = end_user_make(team), end_user_make(team)
    held(session_make(team, start=at(-2)), {trained: Attendance.Status.PRESENT, untrained: Attendance.Status.ABSENT})

    block = home_groups(team.client_for(Role.IT_USER))[team.project]["block"]
    assert sorted(pks(block["technical_issues"])) == sorted([escalated.pk, assigned.pk])
    # The team's own end user works in no module yet: not ready either.
    assert block["access"] == {"ready": 1, "missing": 2}
    page = team.client_for(Role.IT_USER).get(reverse("home")).content.decode()
    assert f'href="{reverse("training:go_live_access", args=[team.project.pk])}?status=ready"' in page


def test_an_end_user_sees_their_sessions_training_and_requests_questions_first(team, morning, elsewhere):
    end_user = team.members[Role.END_USER]
    key_user = team.members[Role.KEY_USER]
    colleague = end_user_make(team)
    module_end_user_add(module=team.module, membership=end_user)
    invited = session_make(team, start=at(3), title="Month-end closing")
    excused = session_make(team, start=at(4), title="Excused")
    others = session_make(team, start=at(5), title="Not invited")
    training_services.attendees_invite(session=invited, memberships=[end_user])
    training_services.attendees_invite(session=excused, memberships=[end_user])
    training_services.attendees_invite(session=others, memberships=[colleague])
    attendance = Attendance.objects.get(session=excused, membership=end_user)
    training_services.attendance_record(session=excused, marks={attendance.pk: ("excused", None)}, now=at(4))

    answered = issue_make(team.module, end_user, "Where is the invoice list?")
    asked = issue_make(team.module, end_user, "Credit memo")
    issue_services.issue_transition(issue=asked, to_status="triaged", actor=key_user)
    issue_services.issue_transition(issue=asked, to_status="waiting", actor=key_user, waiting_on=end_user)
    issue_make(team.module, colleague, "A colleague's request")

    block = home_groups(team.client_for(Role.END_USER))[team.project]["block"]
    assert [a.session_id for a in block["upcoming_sessions"].items] == [invited.pk]
    assert [(row.module.name, row.trained) for row in block["modules"]] == [("Finance", False)]
    assert pks(block["requests"]) == [asked.pk, answered.pk]
    page = team.client_for(Role.END_USER).get(reverse("home")).content.decode()
    assert f'href="{reverse("training:session_ics", args=[team.project.pk, invited.pk])}"' in page
    assert f'href="{reverse("issues:create", args=[team.project.pk])}"' in page
    assert "A question for you" in page


def test_a_person_in_two_projects_sees_each_with_their_role_there_nearest_go_live_first(team, morning):
    key_user = team.members[Role.KEY_USER]
    sooner = ProjectFactory(name="Sooner rollout", target_go_live=datetime.date(2026, 9, 20))
    as_end_user = MembershipFactory(project=sooner, user=key_user.user, role=Role.END_USER)
    sooner_module = module_make(project=sooner)
    mine = issue_make(sooner_module, as_end_user, "My own question there")
    request = issue_make(team.module, team.members[Role.END_USER], "A request here")

    groups = home_groups(team.client_for(Role.KEY_USER))
    assert list(groups) == [sooner, team.project]
    assert groups[sooner]["template"].endswith("_end_user.html")
    assert pks(groups[sooner]["block"]["requests"]) == [mine.pk]
    assert pks(groups[team.project]["block"]["issues_to_triage"]) == [request.pk]


def near_go_live(team, days_ahead: int = 30):
    """The team's project `days_ahead` from its target go-live, with today's readiness snapshot."""
    team.project.target_go_live = days(days_ahead)
    team.project.save()
    readiness_services.readiness_snapshot_take(project=team.project)


def test_a_manager_sees_readiness_a_decision_waiting_and_the_top_risks(team, morning, elsewhere):
    issue_make(team.module, team.members[Role.KEY_USER], "Tax engine down", severity=Issue.Severity.S1)
    near_go_live(team)
    group = home_groups(team.client_for(Role.MANAGER))[team.project]
    assert group["membership"].readiness_status == ReadinessStatus.NOT_READY
    assert group["block"]["decision_waiting"]
    risks = group["block"]["top_risks"]
    assert risks
    assert {module.module for module, _check, _reason in risks} == {team.module}
    assert any(check.criterion == "blockers" for _module, check, _reason in risks)
    page = team.client_for(Role.MANAGER).get(reverse("home")).content.decode()
    assert f'href="{reverse("readiness:decision_create", args=[team.project.pk])}"' in page
    assert f'href="{reverse("readiness:dashboard", args=[team.project.pk])}"' in page
    assert "Elsewhere" not in page


def test_a_recorded_go_means_no_decision_is_waiting_and_a_no_go_keeps_it_waiting(team, morning):
    near_go_live(team)
    manager = team.members[Role.MANAGER]
    readiness_services.go_live_decision_record(
        project=team.project, decided_by=manager, outcome="no_go", rationale="Training not done"
    )
    assert home_groups(team.client_for(Role.MANAGER))[team.project]["block"]["decision_waiting"]
    readiness_services.go_live_decision_record(
        project=team.project, decided_by=manager, outcome="go", rationale="All criteria met"
    )
    assert not home_groups(team.client_for(Role.MANAGER))[team.project]["block"]["decision_waiting"]


def test_far_from_go_live_nothing_is_pressing(team, morning):
    near_go_live(team, days_ahead=120)
    assert not home_groups(team.client_for(Role.MANAGER))[team.project]["block"]["decision_waiting"]
    assert not home_groups(team.client_for(Role.APP_CONSULTANT))[team.project]["block"]["near_go_live_not_ready"]


def test_a_consultant_is_warned_of_a_project_near_go_live_that_is_not_ready(team, morning):
    near_go_live(team)
    block = home_groups(team.client_for(Role.APP_CONSULTANT))[team.project]["block"]
    assert block["near_go_live_not_ready"]
    page = team.client_for(Role.APP_CONSULTANT).get(reverse("home")).content.decode()
    assert "the project is not ready" in page


def test_a_key_user_sees_the_readiness_of_each_of_their_modules_with_its_reasons(team, morning):
    near_go_live(team)
    (row,) = home_groups(team.client_for(Role.KEY_USER))[team.project]["block"]["modules"]
    assert row.readiness.status == ReadinessStatus.NOT_READY
    assert row.readiness.reasons
    page = team.client_for(Role.KEY_USER).get(reverse("home")).content.decode()
    assert f'href="{reverse("readiness:module", args=[team.project.pk, team.module.pk])}"' in page


def test_a_manager_sees_no_work_list_of_other_roles(team, morning, elsewhere):
    issue_make(team.module, team.members[Role.END_USER], "A request")
    page = team.client_for(Role.MANAGER).get(reverse("home")).content.decode()
    assert "Issues to triage" not in page
    assert "Elsewhere" not in page
