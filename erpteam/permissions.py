"""The one policy table: which role may do what, and on which part of a project.

Views declare the action they need; `project_membership` and `require` turn the table into a 404 for
outsiders and a 403 for a member whose role may not act.

The roles are defined here, with the policy that gives them their meaning; a membership
(`people.Membership`, whose `Role` they are) is read only through its fields and the ORM's related
names, so this module sits below every app.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APP_CONSULTANT = "app_consultant", _("Application consultant")
    TECH_CONSULTANT = "tech_consultant", _("Technical consultant")
    KEY_USER = "key_user", _("Key User")
    IT_USER = "it_user", _("IT user")
    END_USER = "end_user", _("End user")
    MANAGER = "manager", _("Manager")


class Action(StrEnum):
    PROJECT_VIEW = "project_view"
    PROJECT_PLAN = "project_plan"  # edit the project, phases, scope, thresholds, SLA policy
    TEAM_VIEW = "team_view"
    TEAM_MANAGE = "team_manage"  # add, change, deactivate members; roster import
    MEMBER_LOOKUP = "member_lookup"  # find members by name while choosing one in a form
    MODULE_VIEW = "module_view"
    MODULE_MANAGE = "module_manage"  # create, edit, delete modules; assign Key Users and end users
    DELIVERABLE_UPDATE = "deliverable_update"
    TRAINING_VIEW = "training_view"
    TRAINING_SCHEDULE_TTT = "training_schedule_ttt"  # train-the-trainer sessions
    TRAINING_SCHEDULE = "training_schedule"  # end-user and refresher sessions
    ATTENDANCE_RECORD = "attendance_record"
    GO_LIVE_ACCESS_VIEW = "go_live_access_view"
    ISSUE_VIEW = "issue_view"
    ISSUE_LOG = "issue_log"
    ISSUE_REQUEST = "issue_request"  # an end user asks for help
    ISSUE_WORK = "issue_work"  # triage, assign, transition, comment, add options
    ISSUE_DECIDE = "issue_decide"  # record the chosen option
    ISSUE_RECOMMEND = "issue_recommend"  # mark the alternative the module's Key User recommends
    SLA_EDIT = "sla_edit"
    ACCEPTANCE_VIEW = "acceptance_view"
    ACCEPTANCE_WRITE = "acceptance_write"  # scenarios, cycles
    ACCEPTANCE_RUN = "acceptance_run"
    ACCEPTANCE_SIGN_OFF = "acceptance_sign_off"
    ACCEPTANCE_EXCEPTION = "acceptance_exception"
    READINESS_VIEW = "readiness_view"
    GO_LIVE_DECIDE = "go_live_decide"
    AUDIT_VIEW = "audit_view"


class Scope(StrEnum):
    ALL = "all"  # anything in the project
    OWN_MODULES = "own_modules"  # only modules the member is a Key User of
    OWN = "own"  # only what concerns the member personally (their training, their issues)


A = Action
_READ = {
    A.PROJECT_VIEW: Scope.ALL,
    A.TEAM_VIEW: Scope.ALL,
    A.MEMBER_LOOKUP: Scope.ALL,
    A.MODULE_VIEW: Scope.ALL,
    A.TRAINING_VIEW: Scope.ALL,
}
_CONSULTANT = {
    **_READ,
    A.PROJECT_PLAN: Scope.ALL,
    A.TEAM_MANAGE: Scope.ALL,
    A.MODULE_MANAGE: Scope.ALL,
    A.DELIVERABLE_UPDATE: Scope.ALL,
    A.TRAINING_SCHEDULE_TTT: Scope.ALL,
    A.TRAINING_SCHEDULE: Scope.ALL,
    A.ATTENDANCE_RECORD: Scope.ALL,
    A.GO_LIVE_ACCESS_VIEW: Scope.ALL,
    A.ISSUE_VIEW: Scope.ALL,
    A.ISSUE_LOG: Scope.ALL,
    A.ISSUE_WORK: Scope.ALL,
    A.ISSUE_DECIDE: Scope.ALL,
    A.SLA_EDIT: Scope.ALL,
    A.ACCEPTANCE_VIEW: Scope.ALL,
    A.ACCEPTANCE_WRITE: Scope.ALL,
    A.ACCEPTANCE_RUN: Scope.ALL,
    A.ACCEPTANCE_EXCEPTION: Scope.ALL,
    A.READINESS_VIEW: Scope.ALL,
    A.AUDIT_VIEW: Scope.ALL,
}

POLICY: dict[str, dict[Action, Scope]] = {
    Role.APP_CONSULTANT: _CONSULTANT,
    Role.TECH_CONSULTANT: _CONSULTANT,
    Role.KEY_USER: {
        **_READ,
        A.DELIVERABLE_UPDATE: Scope.OWN_MODULES,
        A.TRAINING_SCHEDULE: Scope.OWN_MODULES,
        A.ATTENDANCE_RECORD: Scope.OWN_MODULES,
        A.ISSUE_VIEW: Scope.ALL,
        A.ISSUE_LOG: Scope.OWN_MODULES,
        A.ISSUE_WORK: Scope.ALL,
        A.ISSUE_RECOMMEND: Scope.OWN_MODULES,
        A.ACCEPTANCE_VIEW: Scope.ALL,
        A.ACCEPTANCE_WRITE: Scope.OWN_MODULES,
        A.ACCEPTANCE_RUN: Scope.OWN_MODULES,
        A.ACCEPTANCE_SIGN_OFF: Scope.OWN_MODULES,
        A.READINESS_VIEW: Scope.ALL,
    },
    Role.IT_USER: {
        **_READ,
        A.GO_LIVE_ACCESS_VIEW: Scope.ALL,
        A.ISSUE_VIEW: Scope.ALL,
        A.ISSUE_LOG: Scope.ALL,
        A.ISSUE_WORK: Scope.ALL,
        A.ACCEPTANCE_VIEW: Scope.ALL,
        A.READINESS_VIEW: Scope.ALL,
    },
    Role.END_USER: {
        A.PROJECT_VIEW: Scope.ALL,
        A.TRAINING_VIEW: Scope.OWN,
        A.ISSUE_VIEW: Scope.OWN,
        A.ISSUE_REQUEST: Scope.OWN,
        A.ACCEPTANCE_RUN: Scope.OWN,
    },
    Role.MANAGER: {
        **_READ,
        A.GO_LIVE_ACCESS_VIEW: Scope.ALL,
        A.ISSUE_VIEW: Scope.ALL,
        A.ACCEPTANCE_VIEW: Scope.ALL,
        A.READINESS_VIEW: Scope.ALL,
        A.GO_LIVE_DECIDE: Scope.ALL,
        A.AUDIT_VIEW: Scope.ALL,
    },
}


_ISSUE_WORKERS = frozenset({Role.APP_CONSULTANT, Role.TECH_CONSULTANT, Role.KEY_USER, Role.IT_USER})
_ISSUE_CLOSERS = frozenset({Role.APP_CONSULTANT, Role.TECH_CONSULTANT, Role.KEY_USER})

# Issue workflow: (from status, to status) → the roles that may move an issue along that edge.
# Closing and reopening stay with the Key User (who checks with the end user) and the consultants.
ISSUE_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    ("new", "triaged"): _ISSUE_WORKERS,
    ("triaged", "in_progress"): _ISSUE_WORKERS,
    ("triaged", "waiting"): _ISSUE_WORKERS,
    ("triaged", "resolved"): _ISSUE_WORKERS,
    ("in_progress", "waiting"): _ISSUE_WORKERS,
    ("in_progress", "resolved"): _ISSUE_WORKERS,
    ("waiting", "in_progress"): _ISSUE_WORKERS,
    ("waiting", "resolved"): _ISSUE_WORKERS,
    ("resolved", "closed"): _ISSUE_CLOSERS,
    ("resolved", "in_progress"): _ISSUE_CLOSERS,  # reopen
    ("closed", "in_progress"): _ISSUE_CLOSERS,  # reopen
}


def scope_of(membership, action: Action) -> Scope | None:
    """The scope in which this member may take the action, or None when their role may not."""
    return POLICY.get(membership.role, {}).get(action)


def owns_module(membership, module_id: int) -> bool:
    """Whether the member is a Key User of the module (cached on the membership for the request)."""
    if not hasattr(membership, "_own_module_ids"):
        membership._own_module_ids = (
            frozenset(membership.key_user_assignments.values_list("module_id", flat=True))
            if membership.is_key_user
            else frozenset()
        )
    return module_id in membership._own_module_ids


def allows(membership, action: Action, *, module_id: int | None = None) -> bool:
    """Whether the member may take the action; for a module-scoped role, on that module."""
    scope = scope_of(membership, action)
    if scope is None:
        return False
    if scope == Scope.OWN_MODULES and module_id is not None:
        return owns_module(membership, module_id)
    return True


def require(membership, action: Action, *, module_id: int | None = None) -> None:
    if not allows(membership, action, module_id=module_id):
        raise PermissionDenied


def active_memberships(request) -> list:
    """The signed-in person's active memberships with their projects, read once per request: a project's
    pages and the navigation's counts share them."""
    if not hasattr(request, "_active_memberships"):
        user = request.user
        # An active account's active memberships (`Membership.objects.active()`), the account being the
        # one signed in: neither joined nor read again.
        memberships = (
            list(user.memberships.filter(is_active=True).select_related("project").order_by()) if user.is_active else []
        )
        for membership in memberships:
            membership.user = user
        request._active_memberships = memberships
    return request._active_memberships


def project_membership(request, project_id: int):
    """The signed-in person's active membership of the project, with the project; 404 for anyone else."""
    membership = next((m for m in active_memberships(request) if m.project_id == project_id), None)
    if membership is None:
        raise Http404
    return membership
