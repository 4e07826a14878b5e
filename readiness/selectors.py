"""Readiness reads that several pages share: the trends from the snapshots, a module's evidence, the
go / no-go decisions and the portfolio."""

import datetime
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from erpteam.permissions import Action, allows
from issues.models import Issue
from issues.selectors import issue_list
from modules.models import BusinessModule, Deliverable
from people.models import Membership
from projects.selectors import memberships_for_user
from readiness.models import GoLiveDecision, ReadinessSnapshot, ReadinessStatus
from training.selectors import certified_key_user_ids, untrained_end_users

# --- Readiness ---------------------------------------------------------------------------------------

_STATUS_COUNTS = {status: Count("pk", filter=Q(status=status)) for status in ReadinessStatus.values}
# A day's trend figures over its module snapshots, built once (each annotate() resolves a copy).
_TREND_SUMS = ("key_users", "key_users_certified", "end_users", "end_users_trained", "open_issues", "open_blockers")
_TREND_FIGURES = {
    **_STATUS_COUNTS,
    "criteria_met": Sum("checks_ok"),
    "criteria_checked": Sum(F("checks_ok") + F("checks_warning") + F("checks_failing")),
    **{name: Sum(name) for name in _TREND_SUMS},
    "reconstructed": Count("pk", filter=Q(reconstructed=True)),
}


def _trend_rows(project, since: datetime.date) -> QuerySet:
    return (
        ReadinessSnapshot.objects.filter(project=project, day__gte=since)
        .order_by()
        .values("day")
        .annotate(**_TREND_FIGURES)
        .order_by("day")
        .values_list("day", *_TREND_FIGURES)
    )


def readiness_trend(*, project, since: datetime.date) -> list[dict]:
    """Per day from `since`, over the project's module snapshots (one grouped query): modules ready /
    at risk / not ready, criteria met and checked, Key Users certified, end users trained, open and
    open blocking issues, and how many rows were reconstructed rather than taken that day."""
    names = ("day", *_TREND_FIGURES)
    return [dict(zip(names, row, strict=True)) for row in _trend_rows(project, since)]


def module_trend(*, module, since: datetime.date) -> QuerySet[ReadinessSnapshot]:
    return ReadinessSnapshot.objects.filter(module=module, day__gte=since).order_by("day")


def module_in_project(*, project, module_id: int) -> BusinessModule:
    return get_object_or_404(BusinessModule.objects.filter(project=project), pk=module_id)


def module_evidence(*, module: BusinessModule, membership: Membership, limit: int = 20) -> dict:
    """What a module's readiness page lists behind the reasons (five queries): the end users not
    trained, the Key Users not certified, the deliverables not signed off, and the open blocking or
    S1–S2 and overdue issues (the first `limit` of each, with their totals on the page's figures)."""
    certified = certified_key_user_ids(module=module)
    open_issues = issue_list(membership=membership).filter(module=module).open().order_by("severity", "number")
    return {
        "untrained_end_users": list(untrained_end_users(module=module)[:limit]),
        "uncertified_key_users": [
            a
            for a in module.key_user_assignments.all()
            if a.membership.is_active and a.membership.user.is_active and a.membership_id not in certified
        ],
        "unsigned_deliverables": list(
            Deliverable.objects.filter(module=module)
            .exclude(status=Deliverable.Status.SIGNED_OFF)
            .select_related("owner__user")
            .order_by("position", "name")
        ),
        "blocker_issues": list(
            open_issues.filter(Q(blocks_go_live=True) | Q(severity__in=[Issue.Severity.S1, Issue.Severity.S2]))[:limit]
        ),
        "overdue_issues": list(open_issues.filter(Issue.overdue_q())[:limit]),
    }


def _decisions(project) -> QuerySet[GoLiveDecision]:
    return GoLiveDecision.objects.filter(project=project).select_related("decided_by").order_by("-decided_at", "-id")


def latest_decision(*, project) -> GoLiveDecision | None:
    return decision_list(project=project).first()


def decision_list(*, project) -> QuerySet[GoLiveDecision]:
    """The project's go / no-go decisions, latest first (the first one counts), without the evidence
    each keeps (the readiness of every module as it was, tens of kilobytes: only a decision's page shows it)."""
    return _decisions(project).defer("evidence")


def decision_get(*, project, pk: int) -> GoLiveDecision:
    return get_object_or_404(_decisions(project), pk=pk)


def _least_ready(counts: dict[str, int]) -> str:
    for status in (ReadinessStatus.NOT_READY, ReadinessStatus.AT_RISK):
        if counts[status]:
            return status
    return ReadinessStatus.READY


def portfolio(*, user) -> list[Membership]:
    """The user's active memberships with their projects, nearest target go-live first. Where their role
    reads readiness (`sees_readiness`), each has the readiness of its latest snapshot day
    (`readiness_day`, and `readiness`: status → modules) and its latest go / no-go `decision`. Three
    queries, whatever the number of projects, modules and snapshots."""
    memberships: list[Any] = list(memberships_for_user(user=user))
    project_ids = [m.project_id for m in memberships]
    latest_day = (
        ReadinessSnapshot.objects.filter(project=OuterRef("project"))
        .order_by()
        .values("project")
        .annotate(day=Max("day"))
        .values("day")
    )
    days = {
        row["project"]: row
        for row in ReadinessSnapshot.objects.filter(project__in=project_ids, day=Subquery(latest_day))
        .order_by()
        .values("project", "day")
        .annotate(**_STATUS_COUNTS)
    }
    latest = GoLiveDecision.objects.filter(project=OuterRef("project")).order_by("-decided_at", "-id")
    decisions = (
        GoLiveDecision.objects.filter(project__in=project_ids)
        .annotate(latest_id=Subquery(latest.values("pk")[:1]))
        .filter(pk=F("latest_id"))
        .select_related("decided_by")
        .defer("evidence")
    )
    by_project = {d.project_id: d for d in decisions}
    for membership in memberships:
        # Readiness shows only to those whose role reads it in that project.
        membership.sees_readiness = allows(membership, Action.READINESS_VIEW)
        row = days.get(membership.project_id) if membership.sees_readiness else None
        membership.readiness_day = row["day"] if row else None
        membership.readiness = {s: row[s] for s in ReadinessStatus.values} if row else None
        membership.readiness_status = _least_ready(membership.readiness) if row else None
        membership.decision = by_project.get(membership.project_id) if membership.sees_readiness else None
    return memberships
