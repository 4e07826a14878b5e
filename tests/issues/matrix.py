"""Issue routes in the permission matrix. The team's issue is raised for the team's end user, so the end
user may see it; another end user's issue is a 404 for them (see test_views)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from issues import services
from issues.models import Issue
from people.models import Membership
from tests.matrix import ALL_ROLES, CONSULTANTS, Route

Role = Membership.Role

WORKERS = frozenset({Role.APP_CONSULTANT, Role.TECH_CONSULTANT, Role.KEY_USER, Role.IT_USER})
REQUESTERS = WORKERS | {Role.END_USER}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _issue(module, reporter, affected):
    issue = services.issue_create(
        module=module,
        title="Posting fails",
        description="F5 201 on every invoice.",
        category=Issue.Category.DEFECT,
        severity=Issue.Severity.S2,
        reporter=reporter,
        affected_end_user=affected,
        attachments=[SimpleUploadedFile("screen.png", PNG, content_type="image/png")],
    )
    option = services.solution_option_add(issue=issue, author=reporter, summary="Fix it", effort="low", risk="low")
    return issue, option


def objects(team):
    own_issue, own_option = _issue(team.module, team.members[Role.KEY_USER], team.members[Role.END_USER])
    other_key_user = team.other_module.key_user_assignments.get().membership
    other_issue, other_option = _issue(team.other_module, other_key_user, None)
    return {
        "issue": (own_issue, other_issue),
        "option": (own_option, other_option),
        "attachment": (own_issue.attachments.get(), other_issue.attachments.get()),
    }


def project(world, which):
    return {"project_id": world.project_id(which)}


def issue(world, which):
    return {**project(world, which), "issue_id": world.obj("issue", which).pk}


def option(world, which):
    return {**issue(world, which), "option_id": world.obj("option", which).pk}


def attachment(world, which):
    return {**issue(world, which), "attachment_id": world.obj("attachment", which).pk}


ROUTES = {
    "issues:list": Route(kwargs=project, get=ALL_ROLES),
    "issues:export": Route(kwargs=project, get=ALL_ROLES),
    "issues:create": Route(kwargs=project, get=REQUESTERS, post=REQUESTERS),
    "issues:sla": Route(kwargs=project, get=CONSULTANTS, post=CONSULTANTS),
    "issues:detail": Route(kwargs=issue, get=ALL_ROLES),
    "issues:update": Route(kwargs=issue, get=WORKERS, post=WORKERS),
    "issues:transition": Route(kwargs=issue, get=None, post=WORKERS),
    "issues:assign": Route(kwargs=issue, get=None, post=WORKERS),
    "issues:escalate": Route(kwargs=issue, get=None, post=WORKERS),
    "issues:comment": Route(kwargs=issue, get=None, post=REQUESTERS),
    "issues:attachment_add": Route(kwargs=issue, get=None, post=REQUESTERS),
    "issues:attachment": Route(kwargs=attachment, get=ALL_ROLES),
    "issues:option_create": Route(kwargs=issue, get=None, post=WORKERS),
    "issues:option_recommend": Route(kwargs=option, get=None, post=frozenset({Role.KEY_USER})),
    "issues:decide": Route(kwargs=issue, get=None, post=CONSULTANTS),
}
