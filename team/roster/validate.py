"""Checking a roster's rows against the project as it is now: every problem with its row and column.
Everything is read in a fixed number of queries, then checked in memory."""

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from modules.models import BusinessModule, KeyUserAssignment, ModuleEndUser
from modules.services import key_user_rule_orphans, last_key_user_message
from people.models import Membership, User
from projects.models import Project
from team.roster.parse import Rows

Role = Membership.Role
Kind = KeyUserAssignment.Kind

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
class Validation:
    """The rows that can be used, as people, and the problems of the others."""

    people: list[Person] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)

    def problem(self, row: int | None, column: str, message: str) -> None:
        self.problems.append({"row": row, "column": column, "message": message})


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


@dataclass
class Team:
    """The project as it is now."""

    modules: dict[int, BusinessModule]
    module_by_key: dict[str, BusinessModule]
    memberships: dict[int, Membership]  # by user id
    key_users: dict[int, dict[int, str]]  # module id → {membership id: kind}, effective assignments only
    end_users: dict[int, set[int]]  # membership id → module ids
    accounts: dict[str, User]  # by username
    accounts_by_email: dict[str, list[User]]


def chunks(values: list, size: int = 1000) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def team_read(*, project: Project, rows: Rows) -> Team:
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
    for chunk in chunks(usernames):
        accounts.update({u.username: u for u in User.objects.filter(username__in=chunk)})
    accounts_by_email: dict[str, list[User]] = defaultdict(list)
    for chunk in chunks(emails):
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            accounts_by_email[user.email_lower].append(user)
    return Team(modules, module_by_key, memberships, key_users, end_users, accounts, accounts_by_email)


def _person(
    validation: Validation, team: Team, number: int, cells: dict[str, str], seen: dict, roles, kinds
) -> Person | None:
    """Resolve one row; record its problems. None when the row cannot be used at all."""
    name, username, email = cells.get("name", ""), cells.get("username", ""), cells.get("email", "")
    department, role_text = cells.get("department", ""), cells.get("role", "")
    problems_before = len(validation.problems)
    if not username and not email:
        validation.problem(number, "username", _("Give a username or an email address."))
        return None
    if email:
        try:
            validate_email(email)
        except ValidationError:
            validation.problem(number, "email", _("“%(value)s” is not a valid email address.") % {"value": email})
    if username:
        try:
            UnicodeUsernameValidator()(username)
            MaxLengthValidator(150)(username)
        except ValidationError:
            validation.problem(
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
            validation.problem(number, "email", _("Several accounts use this email address; give the username."))
        user = matches[0] if len(matches) == 1 else None
    if user is None:
        username = username or email.lower()
        if username in team.accounts:
            validation.problem(
                number,
                "email",
                _("The username %(username)s is taken by another account; give the username.") % {"username": username},
            )
        if not name:
            validation.problem(number, "name", _("Give the name of this new person."))
    elif not user.is_active:
        validation.problem(
            number,
            "username",
            _("The account of %(person)s is deactivated; an administrator must reactivate it first.")
            % {"person": user.display_name},
        )
    key = user.pk if user else username.lower()
    if key in seen:
        validation.problem(
            number,
            "username" if username else "email",
            _("This person is already on row %(row)s.") % {"row": seen[key]},
        )
    seen.setdefault(key, number)
    role = roles.get(role_text.strip().lower())
    if role is None:
        validation.problem(
            number,
            "role",
            _("Unknown role “%(value)s”. Use one of: %(roles)s.")
            % {"value": role_text, "roles": ", ".join(str(label) for label in Role.labels)},
        )
    if len(department) > 100:
        validation.problem(number, "department", _("The department may have at most 100 characters."))
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
    _person_modules(validation, team, person, cells, kinds)
    return person if len(validation.problems) == problems_before else None


def _person_modules(validation: Validation, team: Team, person: Person, cells: dict[str, str], kinds) -> None:
    number, role = person.row, person.role
    kind_text = cells.get("key_user", "").strip()
    default_kind = kinds.get(kind_text.lower(), None) if kind_text else ""
    if default_kind is None:
        validation.problem(number, "key_user", _("Write primary or backup, or leave the cell empty."))
        default_kind = ""
    if kind_text and role and role != Role.KEY_USER:
        validation.problem(number, "key_user", _("Only Key Users are primary or backup; leave the cell empty."))
    tokens = [t.strip() for t in _MODULE_SEPARATORS.split(cells.get("modules", "")) if t.strip()]
    if tokens and role and role not in (Role.KEY_USER, Role.END_USER):
        validation.problem(
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
                validation.problem(
                    number,
                    "modules",
                    _("“%(value)s”: only a Key User's module may end in :primary or :backup.") % {"value": token},
                )
                continue
        module = team.module_by_key.get(module_key.strip().lower())
        if module is None:
            codes = ", ".join(sorted(m.code for m in team.modules.values())[:20]) or "—"
            validation.problem(
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


def _rule_check(validation: Validation, team: Team, people: list[Person]) -> None:
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
                    validation.problem(
                        person.row,
                        "key_user",
                        _("Row %(row)s already makes someone else primary Key User of %(module)s.")
                        % {"row": primary_claims[module_id].row, "module": team.modules[module_id].name},
                    )
                    continue
                primary_claims[module_id] = person
            holders[key] = kind or holders.get(key, Kind.BACKUP)
    for module_id, winner in primary_claims.items():
        winner_key = winner.membership.pk if winner.membership else f"new:{winner.row}"
        for key in after[module_id]:
            after[module_id][key] = Kind.PRIMARY if key == winner_key else Kind.BACKUP
    for module in key_user_rule_orphans(modules=team.modules.values(), holders=after):
        removers = removed_by[module.pk]
        for person, column in removers:
            if len(removers) == 1 and len(team.key_users[module.pk]) == 1:
                message = last_key_user_message(person=person.membership.user.display_name, module=module)
            else:
                message = _(
                    "After this file %(module)s would have no Key User; keep one of its Key Users or add another."
                ) % {"module": module.name}
            validation.problem(person.row, column, message)
    for module_id, module in team.modules.items():
        holders = after[module_id]
        if holders and Kind.PRIMARY not in holders.values():
            demoted = [
                person
                for person in people
                if person.key_user_modules
                and person.membership
                and person.key_user_modules.get(module_id) == Kind.BACKUP
                and team.key_users[module_id].get(person.membership.pk) == Kind.PRIMARY
            ]
            for person in demoted:
                validation.problem(
                    person.row,
                    "key_user",
                    _("%(person)s is the primary Key User of %(module)s; make another Key User primary in the file.")
                    % {"person": person.membership.user.display_name, "module": module.name},
                )


def roster_validate(*, team: Team, rows: Rows) -> Validation:
    """Resolve every row to a person and check the file as a whole against the Key User rule."""
    validation = Validation()
    roles, kinds, seen = role_names(), kind_names(), {}
    for number, cells in rows:
        person = _person(validation, team, number, cells, seen, roles, kinds)
        if person is not None:
            validation.people.append(person)
    _rule_check(validation, team, validation.people)
    return validation
