"""Every write to business modules, their Key Users, end users and deliverables. Each keeps the Key
User rule."""

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from erpteam.readiness_registry import evidence_changed
from modules.catalog import STANDARD_DELIVERABLES
from modules.models import BusinessModule, Deliverable, DeliverableType, KeyUserAssignment, ModuleEndUser
from modules.selectors import deliverables_due
from notifications.models import Notification
from notifications.services import notify
from people.models import Membership
from projects.models import Project


def modules_lock(*, module_ids: Iterable[int]) -> list[BusinessModule]:
    """Lock module rows in id order (one order everywhere, so two writers never deadlock)."""
    return list(BusinessModule.objects.select_for_update().filter(id__in=set(module_ids)).order_by("id"))


def key_user_rule_orphans(
    *, modules: Iterable[BusinessModule], holders: Mapping[int, Collection | int]
) -> list[BusinessModule]:
    """The Key User rule itself: the modules that `holders` (module id → who would still be its Key
    Users, or how many) leaves without one. Both the services and the roster import's preview ask it."""
    return [module for module in modules if not holders.get(module.pk)]


def last_key_user_message(*, person: str, module: BusinessModule) -> str:
    return _("%(person)s is the only Key User of %(module)s; assign another Key User first.") % {
        "person": person,
        "module": module.name,
    }


def key_user_rule_check(*, dropping: QuerySet[KeyUserAssignment]) -> None:
    """Refuse when dropping these assignments would leave any of their modules without a Key User.

    Locks the modules first and counts after, so two people removing a module's two Key Users at
    the same moment cannot both succeed.
    """
    modules = modules_lock(module_ids=dropping.values_list("module_id", flat=True))
    dropping_ids = list(dropping.values_list("id", flat=True))
    remaining = dict(
        KeyUserAssignment.objects.effective()
        .filter(module__in=modules)
        .exclude(id__in=dropping_ids)
        .values_list("module_id")
        .annotate(n=Count("id"))
        .values_list("module_id", "n")
    )
    orphaned = key_user_rule_orphans(modules=modules, holders=remaining)
    if not orphaned:
        return
    people = {
        a.module_id: a.membership.user.display_name
        for a in KeyUserAssignment.objects.filter(id__in=dropping_ids).select_related("membership__user")
    }
    raise ValidationError(
        [last_key_user_message(person=people[module.id], module=module) for module in orphaned],
        code="last_key_user",
    )


def _require_member(*, project_id: int, membership: Membership) -> None:
    if membership.project_id != project_id:
        raise ValidationError(
            _("%(person)s is not a member of this project.") % {"person": membership.user.display_name},
            code="other_project",
        )


def _require_key_user(*, module: BusinessModule, membership: Membership) -> None:
    _require_member(project_id=module.project_id, membership=membership)
    if not membership.is_key_user or not membership.is_active or not membership.user.is_active:
        raise ValidationError(
            _("%(person)s is not an active Key User of this project; change their role to Key User first.")
            % {"person": membership.user.display_name},
            code="not_key_user",
        )


def module_create(
    *,
    project: Project,
    code: str,
    name: str,
    key_users: Sequence[Membership],
    description: str = "",
    in_scope: bool = True,
) -> BusinessModule:
    """Create a module together with its Key Users (the first one is primary, the others backups) and
    the project's standard deliverables, owned by the primary Key User.

    A module without a Key User is never created.
    """
    if not key_users:
        raise ValidationError(_("A business module needs at least one Key User."), code="no_key_user")
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)
        module = BusinessModule(project=project, code=code, name=name, description=description, in_scope=in_scope)
        module.full_clean()
        module.save()
        for index, membership in enumerate(dict.fromkeys(key_users)):
            _require_key_user(module=module, membership=membership)
            KeyUserAssignment.objects.create(
                module=module,
                membership=membership,
                kind=KeyUserAssignment.Kind.PRIMARY if index == 0 else KeyUserAssignment.Kind.BACKUP,
            )
        primary = next(iter(dict.fromkeys(key_users)))
        for deliverable_type in deliverable_types_seed(project=project):
            _deliverable_add(module=module, deliverable_type=deliverable_type, owner=primary)
    return module


def module_update(*, module: BusinessModule, **fields) -> BusinessModule:
    """Change a module's code, name, description or scope."""
    allowed = {"code", "name", "description", "in_scope"}
    if unknown := set(fields) - allowed:
        raise TypeError(f"module_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        for field, value in fields.items():
            setattr(module, field, value)
        module.full_clean()
        module.save()
    return module


def module_delete(*, module: BusinessModule) -> None:
    """Delete a module with its assignments (the rule is about modules that exist)."""
    with transaction.atomic():
        modules_lock(module_ids=[module.pk])
        module.delete()


def key_user_assign(
    *, module: BusinessModule, membership: Membership, kind: str = KeyUserAssignment.Kind.BACKUP
) -> KeyUserAssignment:
    """Make a Key User of the project primary or backup Key User of a module.

    A new primary demotes the module's current primary to backup.
    """
    with transaction.atomic():
        modules_lock(module_ids=[module.pk])
        _require_key_user(module=module, membership=membership)
        assignment = KeyUserAssignment.objects.filter(module=module, membership=membership).first()
        if kind == KeyUserAssignment.Kind.PRIMARY:
            # One by one (not update()) so that the audit trail records the demotion.
            for demoted in KeyUserAssignment.objects.filter(module=module, kind=KeyUserAssignment.Kind.PRIMARY).exclude(
                membership=membership
            ):
                demoted.kind = KeyUserAssignment.Kind.BACKUP
                demoted.save(update_fields=["kind"])
        if assignment is None:
            assignment = KeyUserAssignment(module=module, membership=membership)
        assignment.kind = kind
        assignment.full_clean(validate_constraints=False)
        assignment.save()
    return assignment


def key_user_unassign(*, assignment: KeyUserAssignment) -> None:
    """Remove a Key User from a module, unless they are its last one. A backup takes over as primary."""
    with transaction.atomic():
        key_user_rule_check(dropping=KeyUserAssignment.objects.filter(pk=assignment.pk))
        was_primary = assignment.kind == KeyUserAssignment.Kind.PRIMARY
        module_id = assignment.module_id
        assignment.delete()
        if was_primary:
            successor = KeyUserAssignment.objects.effective().filter(module_id=module_id).order_by("created_at").first()
            if successor:
                successor.kind = KeyUserAssignment.Kind.PRIMARY
                successor.save(update_fields=["kind"])


def key_user_assignment_update(
    *, assignment: KeyUserAssignment, membership: Membership, kind: str
) -> KeyUserAssignment:
    """Change an assignment's person or kind. A new person is assigned before the old one is dropped,
    so a module's only Key User can be replaced in one step."""
    with transaction.atomic():
        original = KeyUserAssignment.objects.select_related("membership__user").get(pk=assignment.pk)
        updated = key_user_assign(module=original.module, membership=membership, kind=kind)
        if original.membership_id != membership.pk:
            key_user_unassign(assignment=original)
    return updated


def _require_end_user(*, module: BusinessModule, membership: Membership) -> None:
    _require_member(project_id=module.project_id, membership=membership)
    if membership.role != Membership.Role.END_USER or not membership.is_active:
        raise ValidationError(
            _("%(person)s is not an active end user of this project.") % {"person": membership.user.display_name},
            code="not_end_user",
        )


def module_end_user_add(*, module: BusinessModule, membership: Membership) -> ModuleEndUser:
    """Record that an end user works in a module (so they must be trained for it)."""
    _require_end_user(module=module, membership=membership)
    with transaction.atomic():
        end_user, _created = ModuleEndUser.objects.get_or_create(module=module, membership=membership)
    return end_user


def module_end_users_add(*, pairs: Sequence[tuple[BusinessModule, Membership]]) -> list[ModuleEndUser]:
    """Record many (module, end user) pairs at once, e.g. from a roster import; pairs already recorded
    are left as they are."""
    for module, membership in pairs:
        _require_end_user(module=module, membership=membership)
    with transaction.atomic():
        wanted = {(module.pk, membership.pk): (module, membership) for module, membership in pairs}
        existing = set(
            ModuleEndUser.objects.filter(
                module_id__in={m for m, _p in wanted}, membership_id__in={p for _m, p in wanted}
            ).values_list("module_id", "membership_id")
        )
        new = [ModuleEndUser(module=m, membership=p) for key, (m, p) in wanted.items() if key not in existing]
        for project_id in {m.project_id for m, _p in wanted.values()}:
            evidence_changed(project_id=project_id)  # bulk_create sends no post_save
        return bulk_create_with_history(new, ModuleEndUser, batch_size=500)


def module_end_user_remove(*, end_user: ModuleEndUser) -> None:
    end_user.delete()


def deliverable_types_seed(*, project: Project) -> list[DeliverableType]:
    """The project's standard deliverables that new modules get; a project that has never had a list
    starts from the built-in one. The caller holds the project's lock."""
    if not DeliverableType.objects.filter(project=project).exists():
        for position, entry in enumerate(STANDARD_DELIVERABLES, start=1):
            DeliverableType.objects.create(
                project=project,
                name=str(entry.name),
                description=str(entry.description),
                position=position,
                due_days_before_go_live=entry.due_days_before_go_live,
            )
    return list(DeliverableType.objects.filter(project=project, is_active=True).order_by("position", "name"))


def project_deliverables_seed(*, project: Project, **signal_kwargs) -> None:
    """A new project gets the standard deliverables (`project_created`, inside `project_create`'s
    transaction)."""
    deliverable_types_seed(project=project)


def _due_date(*, project: Project, deliverable_type: DeliverableType) -> datetime.date | None:
    if deliverable_type.due_days_before_go_live is None:
        return None
    return project.target_go_live - datetime.timedelta(days=deliverable_type.due_days_before_go_live)


def _deliverable_add(
    *, module: BusinessModule, deliverable_type: DeliverableType, owner: Membership | None
) -> Deliverable:
    deliverable = Deliverable(
        module=module,
        deliverable_type=deliverable_type,
        name=deliverable_type.name,
        position=deliverable_type.position,
        owner=owner,
        due_date=_due_date(project=module.project, deliverable_type=deliverable_type),
    )
    deliverable.full_clean()
    deliverable.save()
    return deliverable


def deliverable_type_create(
    *,
    project: Project,
    name: str,
    description: str = "",
    due_days_before_go_live: int | None = None,
    add_to_existing_modules: bool = False,
) -> DeliverableType:
    """Add a deliverable to the project's standard list; optionally to every existing module as well
    (owned by the module's primary Key User)."""
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)
        deliverable_types_seed(project=project)
        if DeliverableType.objects.filter(project=project, name__iexact=name.strip()).exists():
            raise ValidationError(
                _("The standard list already has a deliverable named “%(name)s”.") % {"name": name},
                code="duplicate_deliverable_type",
            )
        last = DeliverableType.objects.filter(project=project).aggregate(last=Max("position"))["last"] or 0
        deliverable_type = DeliverableType(
            project=project,
            name=name.strip(),
            description=description,
            due_days_before_go_live=due_days_before_go_live,
            position=last + 1,
        )
        deliverable_type.full_clean()
        deliverable_type.save()
        if add_to_existing_modules:
            modules = (
                BusinessModule.objects.filter(project=project)
                .exclude(deliverables__name__iexact=deliverable_type.name)
                .select_related("project")
                .order_by("id")
            )
            primaries = dict(
                KeyUserAssignment.objects.filter(
                    module__project=project, kind=KeyUserAssignment.Kind.PRIMARY
                ).values_list("module_id", "membership_id")
            )
            owners = Membership.objects.in_bulk(primaries.values())
            for module in modules:
                owner = owners.get(primaries.get(module.pk))
                _deliverable_add(module=module, deliverable_type=deliverable_type, owner=owner)
    return deliverable_type


def deliverable_type_update(
    *,
    deliverable_type: DeliverableType,
    name: str,
    description: str,
    position: int,
    due_days_before_go_live: int | None,
    is_active: bool,
) -> DeliverableType:
    """Change an entry of the standard list. Deliverables already created keep their own name."""
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=deliverable_type.project_id)
        clash = DeliverableType.objects.filter(project_id=deliverable_type.project_id, name__iexact=name.strip())
        if clash.exclude(pk=deliverable_type.pk).exists():
            raise ValidationError(
                _("The standard list already has a deliverable named “%(name)s”.") % {"name": name},
                code="duplicate_deliverable_type",
            )
        deliverable_type.name = name.strip()
        deliverable_type.description = description
        deliverable_type.position = position
        deliverable_type.due_days_before_go_live = due_days_before_go_live
        deliverable_type.is_active = is_active
        deliverable_type.full_clean()
        deliverable_type.save()
    return deliverable_type


def deliverable_update(
    *,
    deliverable: Deliverable,
    acting_user,
    status: str,
    owner: Membership | None,
    due_date: datetime.date | None,
    note: str = "",
) -> Deliverable:
    """Change a deliverable's status, owner, due date or note. Signing off records who and when;
    leaving the signed-off status clears them."""
    with transaction.atomic():
        deliverable = Deliverable.objects.select_for_update().select_related("module").get(pk=deliverable.pk)
        if owner is not None:
            _require_member(project_id=deliverable.module.project_id, membership=owner)
            if not owner.is_active:
                raise ValidationError(
                    _("%(person)s is no longer active in this project; choose another owner.")
                    % {"person": owner.user.display_name},
                    code="inactive_owner",
                )
        if status == Deliverable.Status.SIGNED_OFF and not deliverable.is_signed_off:
            deliverable.signed_off_by = acting_user
            deliverable.signed_off_at = timezone.now()
        elif status != Deliverable.Status.SIGNED_OFF:
            deliverable.signed_off_by = None
            deliverable.signed_off_at = None
        deliverable.status = status
        deliverable.owner = owner
        deliverable.due_date = due_date
        deliverable.note = note
        deliverable.full_clean()
        deliverable.save()
    return deliverable


def deliverables_due_notify(*, today: datetime.date | None = None) -> int:
    """Tell each owner of a deliverable not done yet that it is due soon or overdue: once per
    deliverable and due date (a new due date is worth a new notice), however often this runs."""
    today = today or timezone.localdate()
    sent = 0
    for deliverable in deliverables_due(today=today).filter(owner__is_active=True):
        module, owner, due_date = deliverable.module, deliverable.owner, deliverable.due_date
        # The query above asks for both.
        assert owner is not None
        assert due_date is not None
        template = (
            gettext_lazy("Deliverable overdue since {date}: {name} · {module}")
            if due_date < today
            else gettext_lazy("Deliverable due on {date}: {name} · {module}")
        )
        created = notify(
            recipients=[owner.user],
            kind=Notification.Kind.DELIVERABLE_DUE,
            event_key=f"deliverable:{deliverable.pk}:due:{due_date.isoformat()}",
            subject=format_lazy(template, date=due_date.isoformat(), name=deliverable.name, module=module),
            body=deliverable.note,
            url=reverse("modules:detail", args=[module.project_id, module.pk]) + "#deliverables",
            project=module.project,
        )
        sent += len(created)
    return sent
