"""Writing a confirmed roster import, all of it or nothing, with its progress in the cache.

The cache is optional: when it cannot be reached the import still runs, and its progress is unknown
rather than an error.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from modules import services as module_services
from modules.models import BusinessModule, KeyUserAssignment, ModuleEndUser
from people.models import Membership, RosterImport, User
from projects.models import Project
from team import services as team_services
from team.roster.plan import Plan, roster_plan
from team.roster.validate import Person, chunks

logger = logging.getLogger(__name__)

Role = Membership.Role
CHUNK = 500
CACHE_ERRORS = (RedisError, OSError)


def progress_key(import_id: int) -> str:
    return f"people:roster-import:{import_id}:progress"


def roster_import_progress(roster_import: RosterImport) -> int | None:
    """How many rows of a running import are done (0 before it starts); None when the cache that
    keeps the count cannot be reached."""
    if roster_import.status == RosterImport.Status.DONE:
        return roster_import.row_count
    try:
        return cache.get(progress_key(roster_import.pk), 0)
    except CACHE_ERRORS:
        logger.warning("The cache is unreachable; the progress of roster import %s is unknown.", roster_import.pk)
        return None


def _progress_set(import_id: int, done: int) -> None:
    try:
        cache.set(progress_key(import_id), done, timeout=60 * 60)
    except CACHE_ERRORS:
        logger.warning("The cache is unreachable; the progress of roster import %s is not recorded.", import_id)


def _progress_clear(import_id: int) -> None:
    try:
        cache.delete(progress_key(import_id))
    except CACHE_ERRORS:
        logger.warning("The cache is unreachable; the progress of roster import %s stays until it expires.", import_id)


class _Refused(Exception):
    def __init__(self, problems: list[dict]):
        self.problems = problems


def roster_import_apply(*, import_id: int) -> RosterImport:
    """Write a confirmed import, all of it or nothing, after checking it again against the team as it
    is now. Running it again for an import that is no longer queued does nothing."""
    try:
        with transaction.atomic():
            roster_import = RosterImport.objects.select_for_update().select_related("project").get(pk=import_id)
            if roster_import.status != RosterImport.Status.QUEUED:
                return roster_import
            rows = [(number, cells) for number, cells in roster_import.rows]
            plan = roster_plan(project=roster_import.project, rows=rows)
            if plan.problems:
                raise _Refused(plan.problems)
            _apply(
                project=roster_import.project,
                plan=plan,
                progress=lambda done: _progress_set(import_id, done),
            )
            roster_import.status = RosterImport.Status.DONE
            roster_import.finished_at = timezone.now()
            roster_import.rows = []  # the people are in the project now; the upload is no longer needed
            roster_import.save(update_fields=["status", "finished_at", "rows"])
    except _Refused as refused:
        return _refuse(import_id, refused.problems)
    except Exception:
        _refuse(
            import_id,
            [
                {
                    "row": None,
                    "column": "",
                    "message": _("The import stopped on an unexpected error; nothing was written."),
                }
            ],
        )
        raise
    _progress_clear(import_id)
    return roster_import


def _refuse(import_id: int, problems: list[dict]) -> RosterImport:
    _progress_clear(import_id)
    roster_import = RosterImport.objects.get(pk=import_id)
    roster_import.status = RosterImport.Status.FAILED
    roster_import.problems = problems
    roster_import.finished_at = timezone.now()
    roster_import.save(update_fields=["status", "problems", "finished_at"])
    return roster_import


@contextmanager
def _at_row(person: Person):
    """A service's refusal, told with the row it came from."""
    try:
        yield
    except ValidationError as error:
        raise _Refused([{"row": person.row, "column": "", "message": m} for m in error.messages]) from error


def _member_update(person: Person) -> None:
    membership = person.membership
    if not membership.is_active:
        membership = team_services.membership_activate(membership=membership)
    if person.role != membership.role or (person.department and person.department != membership.department):
        membership = team_services.membership_update(
            membership=membership, role=person.role, department=person.department or membership.department
        )
    person.membership = membership


def _apply(*, project: Project, plan: Plan, progress: Callable[[int], None]) -> None:
    """Additions first, chunk by chunk with progress, then removals, so that a file handing a module
    from one Key User to another never passes through a module without one. People leaving the Key
    User role change role last: the service refuses it where they would leave a module without one."""
    modules = {m.pk: m for m in BusinessModule.objects.filter(project=project)}
    key_user_adds: dict[Person, list[tuple[int, str]]] = defaultdict(list)
    for person, module_id, kind in plan.key_user_adds:
        key_user_adds[person].append((module_id, kind))
    end_user_adds: dict[Person, list[int]] = defaultdict(list)
    for person, module_id in plan.end_user_adds:
        end_user_adds[person].append(module_id)
    # In file order; a set would write them in a different order on every run.
    leaving = [p for p in plan.people if p.membership and p.membership.is_key_user and p.role != Role.KEY_USER]

    def add_end_users(people: list[Person]) -> None:
        module_services.module_end_users_add(
            pairs=[(modules[m], person.membership) for person in people for m in end_user_adds.get(person, [])]
        )

    done = 0
    for chunk in chunks(plan.people, CHUNK):
        new_people = [p for p in chunk if p.is_new]
        created = team_services.people_bulk_add(
            project=project, people=[(p.user or _new_account(p), p.role, p.department) for p in new_people]
        )
        staying = [p for p in chunk if not p.is_new and p not in leaving]
        for person in staying:
            with _at_row(person):
                _member_update(person)
        for person, membership in zip(new_people, created, strict=True):
            person.membership = membership
        for person in chunk:
            with _at_row(person):
                for module_id, kind in key_user_adds.get(person, []):
                    module_services.key_user_assign(module=modules[module_id], membership=person.membership, kind=kind)
        add_end_users([p for p in chunk if p not in leaving])
        done += len(chunk)
        progress(done)

    drops = [(person, module_id) for person, module_id in plan.key_user_drops if person not in leaving]
    assignments = {
        (a.membership_id, a.module_id): a
        for a in KeyUserAssignment.objects.filter(membership_id__in={p.membership.pk for p, _m in drops})
    }
    for person, module_id in drops:
        with _at_row(person):
            module_services.key_user_unassign(assignment=assignments[(person.membership.pk, module_id)])
    for person in leaving:
        with _at_row(person):
            _member_update(person)
    add_end_users(leaving)
    end_user_links = {
        (link.membership_id, link.module_id): link
        for link in ModuleEndUser.objects.filter(membership_id__in={p.membership.pk for p, _m in plan.end_user_drops})
    }
    for person, module_id in plan.end_user_drops:
        link = end_user_links.get((person.membership.pk, module_id))
        if link is not None:  # a role change may already have dropped it
            module_services.module_end_user_remove(end_user=link)


def _new_account(person: Person) -> User:
    first_name, last_name = _split_name(person.name)
    return User(username=person.username, email=person.email, first_name=first_name, last_name=last_name)


def _split_name(name: str) -> tuple[str, str]:
    first, _space, last = name.strip().rpartition(" ")
    return (first, last) if first else (last, "")
