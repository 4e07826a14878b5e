"""Roster import: a CSV or XLSX file of people becomes a preview (who would be added, what would change,
every problem with its row and column); nothing is written until someone confirms, and then all of it
is written or none. Large files run in a Celery task that reports its progress.

Columns: name, username, email, department, role, modules, key_user. A person is found by username,
else by email; someone without an account gets one (no password until they set one). For people
already in the project, empty department and modules cells leave those unchanged. `modules` lists
module codes (or names) separated by `;`; a Key User's entry may end in `:primary` or `:backup`,
otherwise the `key_user` column (primary / backup) applies.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erpteam.tabular import TableError, read_table
from modules import services as module_services
from modules.models import BusinessModule, KeyUserAssignment, ModuleEndUser
from people import services as people_services
from people.models import Membership, RosterImport, User
from projects.models import Project

Role = Membership.Role
Kind = KeyUserAssignment.Kind

COLUMNS = ("name", "username", "email", "department", "role", "modules", "key_user")
HEADER_ALIASES = {
    "姓名": "name",
    "用户名": "username",
    "账号": "username",
    "邮箱": "email",
    "电子邮件": "email",
    "e-mail": "email",
    "部门": "department",
    "角色": "role",
    "模块": "modules",
    "module": "modules",
    "关键用户": "key_user",
    "key_user_kind": "key_user",
}
INLINE_LIMIT = 500  # larger files are imported by a Celery task
MAX_ROWS = 20_000
CHUNK = 500
SHOWN_PROBLEMS = 200
_MODULE_SEPARATORS = re.compile(r"[;,，；、\n]+")
_KIND_SUFFIX = re.compile(r"^(?P<module>.+?)\s*[:：]\s*(?P<kind>[^:：]+)$")


@dataclass(eq=False)
class Person:
    """One row of the file, resolved against the project: what this person should look like after."""

    row: int
    name: str
    username: str
    email: str
    department: str
    role: str
    user: User | None = None
    membership: Membership | None = None
    # module id → kind ("primary" / "backup", or "" when the file does not say); None: unchanged
    key_user_modules: dict[int, str] | None = None
    end_user_modules: set[int] | None = None

    @property
    def is_new(self) -> bool:
        return self.membership is None


@dataclass
class Plan:
    people: list[Person] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    # What the apply step writes, worked out once by the preview: (person, module id[, kind]).
    key_user_adds: list[tuple[Person, int, str]] = field(default_factory=list)
    key_user_drops: list[tuple[Person, int]] = field(default_factory=list)
    end_user_adds: list[tuple[Person, int]] = field(default_factory=list)
    end_user_drops: list[tuple[Person, int]] = field(default_factory=list)

    def problem(self, row: int | None, column: str, message: str) -> None:
        self.problems.append({"row": row, "column": column, "message": message})

    @property
    def create_count(self) -> int:
        return sum(1 for c in self.changes if c["new"])

    @property
    def change_count(self) -> int:
        return sum(1 for c in self.changes if not c["new"])


# ---------------------------------------------------------------------------------------------------------
# Reading the file


def _lookup(labels: dict[str, str]) -> dict[str, str]:
    """Accept a value's code and its label in every language the site speaks, case-insensitively."""
    accepted = {}
    for value, label in labels.items():
        accepted[value.lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                accepted[str(label).strip().lower()] = value
    return accepted


def role_names() -> dict[str, str]:
    accepted = _lookup(dict(Role.choices))
    accepted.update(
        {
            "consultant": Role.APP_CONSULTANT,
            "keyuser": Role.KEY_USER,
            "key user": Role.KEY_USER,
            # What Chinese rosters usually say, whatever the site's translation calls the roles.
            "应用顾问": Role.APP_CONSULTANT,
            "业务顾问": Role.APP_CONSULTANT,
            "技术顾问": Role.TECH_CONSULTANT,
            "关键用户": Role.KEY_USER,
            "it用户": Role.IT_USER,
            "最终用户": Role.END_USER,
            "终端用户": Role.END_USER,
            "经理": Role.MANAGER,
        }
    )
    return accepted


def kind_names() -> dict[str, str]:
    accepted = _lookup(dict(Kind.choices))
    accepted.update(
        {"主": Kind.PRIMARY, "主要": Kind.PRIMARY, "备": Kind.BACKUP, "备用": Kind.BACKUP, "后备": Kind.BACKUP}
    )
    return accepted


def roster_read(data: bytes, *, filename: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The file's rows (with their spreadsheet row numbers) and the names of columns it ignores.
    Raises `TableError` when the file as a whole cannot be used."""
    table = read_table(data, filename=filename)
    header = [HEADER_ALIASES.get(column, column) for column in table.header]
    if len(set(header)) != len(header):
        raise TableError(_("Two columns mean the same thing; keep one of them."))
    rename = dict(zip(table.header, header, strict=True))
    rows = [(number, {rename[c]: value for c, value in cells.items()}) for number, cells in table.rows]
    if "role" not in header:
        raise TableError(_("Missing column: role. The first row must name the columns; download the template."))
    if "username" not in header and "email" not in header:
        raise TableError(
            _("Missing column: username or email. The first row must name the columns; download the template.")
        )
    if not rows:
        raise TableError(_("The file has a header row but no people."))
    if len(rows) > MAX_ROWS:
        raise TableError(_("The file has more than %(n)s rows; split it.") % {"n": f"{MAX_ROWS:,}"})
    return rows, [c for c in header if c not in COLUMNS]


# ---------------------------------------------------------------------------------------------------------
# Planning: everything is read in a fixed number of queries, then checked in memory.


@dataclass
class _Team:
    """The project as it is now."""

    modules: dict[int, BusinessModule]
    module_by_key: dict[str, BusinessModule]
    memberships: dict[int, Membership]  # by user id
    key_users: dict[int, dict[int, str]]  # module id → {membership id: kind}, effective assignments only
    end_users: dict[int, set[int]]  # membership id → module ids
    accounts: dict[str, User]  # by username
    accounts_by_email: dict[str, list[User]]


def _chunks(values: list, size: int = 1000) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _team(project: Project, rows: list[tuple[int, dict[str, str]]]) -> _Team:
    modules = {m.pk: m for m in BusinessModule.objects.filter(project=project)}
    module_by_key = {}
    for module in modules.values():
        module_by_key[module.name.strip().lower()] = module
    for module in modules.values():
        module_by_key[module.code.lower()] = module  # a code wins over another module's name
    memberships = {m.user_id: m for m in Membership.objects.filter(project=project).select_related("user")}
    key_users: dict[int, dict[int, str]] = {pk: {} for pk in modules}
    for module_id, membership_id, kind in (
        KeyUserAssignment.objects.effective()
        .filter(module__project=project)
        .values_list("module_id", "membership_id", "kind")
    ):
        key_users[module_id][membership_id] = kind
    end_users: dict[int, set[int]] = defaultdict(set)
    for membership_id, module_id in ModuleEndUser.objects.filter(module__project=project).values_list(
        "membership_id", "module_id"
    ):
        end_users[membership_id].add(module_id)
    usernames = sorted(
        {cells.get("username", "") for _n, cells in rows}
        | {cells.get("email", "").lower() for _n, cells in rows} - {""}
    )
    emails = sorted({cells.get("email", "").lower() for _n, cells in rows} - {""})
    accounts = {}
    for chunk in _chunks(usernames):
        accounts.update({u.username: u for u in User.objects.filter(username__in=chunk)})
    accounts_by_email: dict[str, list[User]] = defaultdict(list)
    for chunk in _chunks(emails):
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            accounts_by_email[user.email_lower].append(user)
    return _Team(modules, module_by_key, memberships, key_users, end_users, accounts, accounts_by_email)


def _split_name(name: str) -> tuple[str, str]:
    first, _space, last = name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def _person(plan: Plan, team: _Team, number: int, cells: dict[str, str], seen: dict, roles, kinds) -> Person | None:
    """Resolve one row; record its problems. None when the row cannot be used at all."""
    name, username, email = cells.get("name", ""), cells.get("username", ""), cells.get("email", "")
    department, role_text = cells.get("department", ""), cells.get("role", "")
    problems_before = len(plan.problems)
    if not username and not email:
        plan.problem(number, "username", _("Give a username or an email address."))
        return None
    if email:
        try:
            validate_email(email)
        except ValidationError:
            plan.problem(number, "email", _("“%(value)s” is not a valid email address.") % {"value": email})
    if username:
        try:
            UnicodeUsernameValidator()(username)
            MaxLengthValidator(150)(username)
        except ValidationError:
            plan.problem(
                number,
                "username",
                _("“%(value)s” is not a valid username: up to 150 letters, digits and @ . + - _ only.")
                % {"value": username},
            )
    user = None
    if username:
        user = team.accounts.get(username)
    elif email:
        matches = team.accounts_by_email.get(email.lower(), [])
        if len(matches) > 1:
            plan.problem(number, "email", _("Several accounts use this email address; give the username."))
        user = matches[0] if len(matches) == 1 else None
    if user is None:
        username = username or email.lower()
        if username in team.accounts:
            plan.problem(
                number,
                "email",
                _("The username %(username)s is taken by another account; give the username.") % {"username": username},
            )
        if not name:
            plan.problem(number, "name", _("Give the name of this new person."))
    elif not user.is_active:
        plan.problem(
            number,
            "username",
            _("The account of %(person)s is deactivated; an administrator must reactivate it first.")
            % {"person": user.display_name},
        )
    key = user.pk if user else username.lower()
    if key in seen:
        plan.problem(
            number,
            "username" if username else "email",
            _("This person is already on row %(row)s.") % {"row": seen[key]},
        )
    seen.setdefault(key, number)
    role = roles.get(role_text.strip().lower())
    if role is None:
        plan.problem(
            number,
            "role",
            _("Unknown role “%(value)s”. Use one of: %(roles)s.")
            % {"value": role_text, "roles": ", ".join(str(label) for label in Role.labels)},
        )
    if len(department) > 100:
        plan.problem(number, "department", _("The department may have at most 100 characters."))
    person = Person(
        row=number,
        name=name,
        username=user.username if user else username,
        email=email,
        department=department,
        role=role or "",
        user=user,
        membership=team.memberships.get(user.pk) if user else None,
    )
    _person_modules(plan, team, person, cells, kinds)
    return person if len(plan.problems) == problems_before else None


def _person_modules(plan: Plan, team: _Team, person: Person, cells: dict[str, str], kinds) -> None:
    number, role = person.row, person.role
    kind_text = cells.get("key_user", "").strip()
    default_kind = kinds.get(kind_text.lower(), None) if kind_text else ""
    if default_kind is None:
        plan.problem(number, "key_user", _("Write primary or backup, or leave the cell empty."))
        default_kind = ""
    if kind_text and role and role != Role.KEY_USER:
        plan.problem(number, "key_user", _("Only Key Users are primary or backup; leave the cell empty."))
    tokens = [t.strip() for t in _MODULE_SEPARATORS.split(cells.get("modules", "")) if t.strip()]
    if tokens and role and role not in (Role.KEY_USER, Role.END_USER):
        plan.problem(
            number,
            "modules",
            _("Only Key Users and end users are assigned to modules; leave the cell empty for this role."),
        )
        return
    chosen: dict[int, str] = {}
    for token in tokens:
        module_key, kind = token, default_kind
        if (match := _KIND_SUFFIX.match(token)) and match["module"].strip().lower() not in team.module_by_key:
            module_key, kind = match["module"], kinds.get(match["kind"].strip().lower())
            if kind is None or role != Role.KEY_USER:
                plan.problem(
                    number,
                    "modules",
                    _("“%(value)s”: only a Key User's module may end in :primary or :backup.") % {"value": token},
                )
                continue
        module = team.module_by_key.get(module_key.strip().lower())
        if module is None:
            codes = ", ".join(sorted(m.code for m in team.modules.values())[:20]) or "—"
            plan.problem(
                number,
                "modules",
                _("Unknown module “%(value)s”. This project's module codes: %(codes)s.")
                % {"value": module_key, "codes": codes},
            )
            continue
        chosen[module.pk] = kind
    if role == Role.KEY_USER and (tokens or person.is_new):
        person.key_user_modules = chosen
    elif role == Role.END_USER and (tokens or person.is_new):
        person.end_user_modules = set(chosen)


def _rule_check(plan: Plan, team: _Team, people: list[Person]) -> None:
    """Play the file on the current Key Users and refuse rows that would leave a module without one,
    or a module with two primary Key Users, or without its primary."""
    after = {module_id: dict(holders) for module_id, holders in team.key_users.items()}
    removed_by: dict[int, list[tuple[Person, str]]] = defaultdict(list)
    primary_claims: dict[int, Person] = {}
    for person in people:
        membership = person.membership
        if membership is None:
            continue
        current = {m: kinds[membership.pk] for m, kinds in team.key_users.items() if membership.pk in kinds}
        if person.role != Role.KEY_USER:
            wanted = {}
        elif person.key_user_modules is None:
            wanted = current
        else:
            wanted = person.key_user_modules
        for module_id in set(current) - set(wanted):
            after[module_id].pop(membership.pk, None)
            removed_by[module_id].append((person, "role" if person.role != Role.KEY_USER else "modules"))
    for person in people:
        if person.role != Role.KEY_USER or not person.key_user_modules:
            continue
        key = person.membership.pk if person.membership else f"new:{person.row}"
        for module_id, kind in person.key_user_modules.items():
            holders = after[module_id]
            if kind == Kind.PRIMARY:
                if module_id in primary_claims:
                    plan.problem(
                        person.row,
                        "key_user",
                        _("Row %(row)s already makes someone else primary Key User of %(module)s.")
                        % {"row": primary_claims[module_id].row, "module": team.modules[module_id].name},
                    )
                    continue
                primary_claims[module_id] = person
            holders[key] = kind or holders.get(key, Kind.BACKUP)
    for module_id, module in team.modules.items():
        holders = after[module_id]
        if module_id in primary_claims:
            winner = primary_claims[module_id]
            winner_key = winner.membership.pk if winner.membership else f"new:{winner.row}"
            for key in holders:
                holders[key] = Kind.PRIMARY if key == winner_key else Kind.BACKUP
        if not holders:
            removers = removed_by[module_id]
            for person, column in removers:
                if len(removers) == 1 and len(team.key_users[module_id]) == 1:
                    message = _("%(person)s is the only Key User of %(module)s; assign another Key User first.") % {
                        "person": person.membership.user.display_name,
                        "module": module.name,
                    }
                else:
                    message = _(
                        "After this file %(module)s would have no Key User; keep one of its Key Users or add another."
                    ) % {"module": module.name}
                plan.problem(person.row, column, message)
        elif Kind.PRIMARY not in holders.values():
            demoted = [
                person
                for person in people
                if person.key_user_modules
                and person.membership
                and person.key_user_modules.get(module_id) == Kind.BACKUP
                and team.key_users[module_id].get(person.membership.pk) == Kind.PRIMARY
            ]
            for person in demoted:
                plan.problem(
                    person.row,
                    "key_user",
                    _("%(person)s is the primary Key User of %(module)s; make another Key User primary in the file.")
                    % {"person": person.membership.user.display_name, "module": module.name},
                )


def _describe(plan: Plan, team: _Team, person: Person) -> None:
    """Record, for the preview, what the row would do; and the module links the apply step writes."""
    role_label = dict(Role.choices)
    modules = team.modules
    kind_label = dict(Kind.choices)

    def module_names(ids) -> str:
        return ", ".join(sorted(modules[i].name for i in ids))

    membership = person.membership
    lines = []
    current_ku = (
        {}
        if membership is None
        else {m: kinds[membership.pk] for m, kinds in team.key_users.items() if membership.pk in kinds}
    )
    current_eu = set() if membership is None else team.end_users.get(membership.pk, set())
    wanted_ku = current_ku if person.key_user_modules is None else person.key_user_modules
    wanted_eu = current_eu if person.end_user_modules is None else person.end_user_modules
    if person.role != Role.KEY_USER:
        wanted_ku = {}
    if person.role != Role.END_USER:
        wanted_eu = set()
    added_ku = [
        (module_id, kind or Kind.BACKUP)
        for module_id, kind in sorted(wanted_ku.items())
        if module_id not in current_ku or (kind and kind != current_ku[module_id])
    ]
    plan.key_user_adds.extend((person, module_id, kind) for module_id, kind in added_ku)
    plan.key_user_drops.extend((person, m) for m in sorted(set(current_ku) - set(wanted_ku)))
    plan.end_user_adds.extend((person, m) for m in sorted(wanted_eu - current_eu))
    plan.end_user_drops.extend((person, m) for m in sorted(current_eu - wanted_eu))

    if added_ku:
        lines.append(
            _("Key User of %(modules)s")
            % {"modules": ", ".join(f"{modules[m].name} ({kind_label[k]})" for m, k in sorted(added_ku))}
        )
    if wanted_eu - current_eu:
        lines.append(_("Works in %(modules)s") % {"modules": module_names(wanted_eu - current_eu)})
    if membership is None:
        plan.changes.append(
            {
                "row": person.row,
                "new": True,
                "person": person.name or person.username,
                "username": person.username,
                "existing_account": person.user is not None,
                "role": str(role_label[person.role]),
                "department": person.department,
                "lines": [str(line) for line in lines],
            }
        )
        return
    if person.role != membership.role:
        lines.insert(
            0,
            _("Role: %(old)s → %(new)s") % {"old": role_label[membership.role], "new": role_label[person.role]},
        )
    if person.department and person.department != membership.department:
        lines.append(
            _("Department: %(old)s → %(new)s") % {"old": membership.department or "—", "new": person.department}
        )
    if set(current_ku) - set(wanted_ku):
        lines.append(
            _("No longer Key User of %(modules)s") % {"modules": module_names(set(current_ku) - set(wanted_ku))}
        )
    if current_eu - wanted_eu:
        lines.append(_("No longer works in %(modules)s") % {"modules": module_names(current_eu - wanted_eu)})
    if not membership.is_active:
        lines.append(_("Active again"))
    if lines:
        plan.changes.append(
            {
                "row": person.row,
                "new": False,
                "person": membership.user.display_name,
                "username": membership.user.username,
                "lines": [str(line) for line in lines],
            }
        )


def roster_plan(*, project: Project, rows: list[tuple[int, dict[str, str]]]) -> Plan:
    """What importing these rows into the project would do, and every problem, without writing."""
    plan = Plan()
    team = _team(project, rows)
    roles, kinds, seen = role_names(), kind_names(), {}
    for number, cells in rows:
        person = _person(plan, team, number, cells, seen, roles, kinds)
        if person is not None:
            plan.people.append(person)
    _rule_check(plan, team, plan.people)
    for person in plan.people:
        _describe(plan, team, person)
    plan.problems.sort(key=lambda p: (p["row"] or 0, COLUMNS.index(p["column"]) if p["column"] in COLUMNS else 99))
    return plan


# ---------------------------------------------------------------------------------------------------------
# The import's life: upload → preview → confirm → apply (inline or in a task)


def roster_import_create(*, project: Project, uploaded_by, filename: str, data: bytes) -> RosterImport:
    """Read an uploaded roster and keep it with its preview. A file that cannot be read at all is
    refused with a `ValidationError` naming what is wrong with it."""
    try:
        rows, ignored = roster_read(data, filename=filename)
    except TableError as error:
        raise ValidationError(str(error), code="unreadable") from error
    plan = roster_plan(project=project, rows=rows)
    if ignored:
        plan.problems.insert(
            0,
            {
                "row": None,
                "column": "",
                "warning": True,
                "message": _("These columns are not imported: %(columns)s.") % {"columns": ", ".join(ignored)},
            },
        )
    return RosterImport.objects.create(
        project=project,
        uploaded_by=uploaded_by,
        filename=filename[:255],
        rows=[[number, cells] for number, cells in rows],
        changes=plan.changes,
        problems=plan.problems,
        row_count=len(rows),
        create_count=plan.create_count,
        change_count=plan.change_count,
    )


def blocking_problems(roster_import: RosterImport) -> list[dict]:
    return [p for p in roster_import.problems if not p.get("warning")]


def progress_key(import_id: int) -> str:
    return f"people:roster-import:{import_id}:progress"


def roster_import_progress(roster_import: RosterImport) -> int:
    """How many rows of a running import are done (0 before it starts)."""
    if roster_import.status == RosterImport.Status.DONE:
        return roster_import.row_count
    return cache.get(progress_key(roster_import.pk), 0)


def roster_import_confirm(*, roster_import: RosterImport) -> RosterImport:
    """Apply a previewed import: inline for small files, in a Celery task for large ones."""
    with transaction.atomic():
        roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
        if roster_import.status != RosterImport.Status.PREVIEWED:
            raise ValidationError(_("This import has already been confirmed."), code="confirmed")
        if blocking_problems(roster_import):
            raise ValidationError(
                _("The file has problems; correct them and upload it again. Nothing was imported."), code="problems"
            )
        roster_import.status = RosterImport.Status.QUEUED
        roster_import.save(update_fields=["status"])
        if roster_import.row_count > INLINE_LIMIT:
            from people.tasks import roster_import_run

            transaction.on_commit(lambda: roster_import_run.delay(roster_import.pk), robust=True)
            return roster_import
    return roster_import_apply(import_id=roster_import.pk)


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
                progress=lambda done: cache.set(progress_key(import_id), done, timeout=60 * 60),
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
    cache.delete(progress_key(import_id))
    return roster_import


def _refuse(import_id: int, problems: list[dict]) -> RosterImport:
    cache.delete(progress_key(import_id))
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
        membership = people_services.membership_activate(membership=membership)
    if person.role != membership.role or (person.department and person.department != membership.department):
        membership = people_services.membership_update(
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
    for chunk in _chunks(plan.people, CHUNK):
        new_people = [p for p in chunk if p.is_new]
        created = people_services.people_bulk_add(
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
