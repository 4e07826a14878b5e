"""Audit trail fixtures: changes of every kind, made through the services."""

import datetime

from django.utils import timezone

from acceptance import services as acceptance_services
from issues import services as issue_services
from issues.models import Issue
from modules import services as module_services
from people import services as people_services
from people.models import Membership
from projects import services as project_services
from readiness import services as readiness_services
from readiness.models import GoLiveDecision
from team import services as team_services
from tests.acceptance.factories import cycle_make, scenario_make
from tests.factories import module_make
from training import services as training_services
from training.models import Attendance, TrainingSession

Role = Membership.Role


def past_session(team, module=None) -> TrainingSession:
    """An end-user session of the module (the team's by default) held yesterday, with the team's end user
    invited."""
    start = timezone.now() - datetime.timedelta(days=1)
    module = module or team.module
    session = training_services.session_create(
        module=module,
        kind=TrainingSession.Kind.END_USER,
        title="Posting invoices",
        trainer=module.key_user_assignments.get().membership,
        start_at=start,
        end_at=start + datetime.timedelta(hours=2),
        capacity=10,
    )
    training_services.attendees_invite(session=session, memberships=[team.members[Role.END_USER]])
    return session


def changes_of_every_kind(team, n: int) -> None:
    """A person joins and leaves; a module gets its Key User, an end user, a deliverable update, a
    session with attendance, an issue, an acceptance exception and sign-off, and is deleted; a threshold
    and a service level change; a go-live decision is recorded."""
    member = people_services.person_add(project=team.project, role=Role.END_USER, username=f"person.{n}")
    module = module_make(
        project=team.project, code=f"m{n}", name=f"Module {n}", key_users=[team.members[Role.KEY_USER]]
    )
    module_services.module_end_user_add(module=module, membership=member)
    module_services.deliverable_update(
        deliverable=module.deliverables.first(), acting_user=None, status="done", owner=None, due_date=None
    )
    session = past_session(team, module)
    training_services.attendance_record(
        session=session, marks={session.attendances.get().pk: (Attendance.Status.PRESENT, None)}
    )
    issue = issue_services.issue_create(
        module=module,
        title=f"Issue {n}",
        description="",
        category=Issue.Category.QUESTION,
        severity=Issue.Severity.S3,
        reporter=team.members[Role.KEY_USER],
    )
    issue_services.issue_transition(issue=issue, to_status=Issue.Status.TRIAGED, actor=team.members[Role.KEY_USER])
    cycle = cycle_make(project=team.project, scenarios=[scenario_make(module=module)], name=f"UAT {n}")
    acceptance_services.exception_create(
        cycle=cycle, module=module, consultant=team.members[Role.APP_CONSULTANT], reason=f"Agreed ({n})."
    )
    acceptance_services.sign_off_create(cycle=cycle, module=module, signed_by=team.members[Role.KEY_USER])
    project_services.readiness_thresholds_update(project=team.project, readiness_overdue_at_risk=3 + n)
    policy = issue_services.sla_policy_get_or_create(project=team.project)
    issue_services.sla_policy_update(policy=policy, s4_resolve_hours=170 + n)
    readiness_services.go_live_decision_record(
        project=team.project,
        decided_by=team.members[Role.MANAGER],
        outcome=GoLiveDecision.Outcome.NO_GO,
        rationale=f"Not yet ({n}).",
    )
    team_services.membership_delete(membership=member)
    module_services.module_delete(module=module)
