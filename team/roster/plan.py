"""What importing a roster would do: the preview's lines, and the module links the apply step writes."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from modules.models import KeyUserAssignment
from people.models import Membership
from projects.models import Project
from team.roster.parse import COLUMNS, Rows
from team.roster.validate import Person, Team, roster_validate, team_read

Role = Membership.Role
Kind = KeyUserAssignment.Kind


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

    @property
    def create_count(self) -> int:
        return sum(1 for c in self.changes if c["new"])

    @property
    def change_count(self) -> int:
        return sum(1 for c in self.changes if not c["new"])


def _describe(plan: Plan, team: Team, person: Person) -> None:
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


def roster_plan(*, project: Project, rows: Rows) -> Plan:
    """What importing these rows into the project would do, and every problem, without writing."""
    team = team_read(project=project, rows=rows)
    validation = roster_validate(team=team, rows=rows)
    plan = Plan(people=validation.people, problems=validation.problems)
    for person in plan.people:
        _describe(plan, team, person)
    plan.problems.sort(key=lambda p: (p["row"] or 0, COLUMNS.index(p["column"]) if p["column"] in COLUMNS else 99))
    return plan
