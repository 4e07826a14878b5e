"""Every write to business modules and Key User assignments. Each keeps the Key User rule."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from modules.models import BusinessModule, KeyUserAssignment, ModuleEndUser
from people.models import Membership
from projects.models import Project


def modules_lock(*, module_ids: Iterable[int]) -> list[BusinessModule]:
    """Lock module rows in id order (one order everywhere, so two writers never deadlock)."""
    return list(BusinessModule.objects.select_for_update().filter(id__in=set(module_ids)).order_by("id"))


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
    orphaned = [module for module in modules if not remaining.get(module.id)]
    if not orphaned:
        return
    people = {
        a.module_id: a.membership.user.display_name
        for a in KeyUserAssignment.objects.filter(id__in=dropping_ids).select_related("membership__user")
    }
    raise ValidationError(
        [
            _("%(person)s is the only Key User of %(module)s; assign another Key User first.")
            % {"person": people[module.id], "module": module.name}
            for module in orphaned
        ],
        code="last_key_user",
    )


def _require_key_user(*, module: BusinessModule, membership: Membership) -> None:
    if membership.project_id != module.project_id:
        raise ValidationError(
            _("%(person)s is not a member of this project.") % {"person": membership.user.display_name},
            code="other_project",
        )
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
    """Create a module together with its Key Users: the first one is primary, the others backups.

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


def module_end_user_add(*, module: BusinessModule, membership: Membership) -> ModuleEndUser:
    """Record that an end user works in a module (so they must be trained for it)."""
    if membership.project_id != module.project_id:
        raise ValidationError(
            _("%(person)s is not a member of this project.") % {"person": membership.user.display_name},
            code="other_project",
        )
    if membership.role != Membership.Role.END_USER:
        raise ValidationError(
            _("%(person)s is not an end user of this project.") % {"person": membership.user.display_name},
            code="not_end_user",
        )
    with transaction.atomic():
        end_user, _created = ModuleEndUser.objects.get_or_create(module=module, membership=membership)
    return end_user


def module_end_user_remove(*, end_user: ModuleEndUser) -> None:
    end_user.delete()
