"""Writes to the team that the Key User rule bounds (a member or an account leaving, a role changing),
and the roster import's batch add. Each refuses what would leave a module without a Key User."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from erpteam.readiness_registry import evidence_changed
from modules.models import KeyUserAssignment, ModuleEndUser
from modules.services import key_user_rule_check
from people.models import Membership, User
from projects.models import Project


def user_deactivate(*, user: User) -> User:
    """Deactivate an account, unless it is the last Key User of a module in any project."""
    with transaction.atomic():
        key_user_rule_check(dropping=KeyUserAssignment.objects.filter(membership__user=user))
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


def user_activate(*, user: User) -> User:
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def people_bulk_add(*, project: Project, people: list[tuple[User, str, str]]) -> list[Membership]:
    """Add many people at once (a roster import): `people` holds (unsaved new account or existing
    account, role, department). Accounts and memberships are written in batches; the caller has
    checked each person, and the database's unique constraints refuse anything that slipped through."""
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)
        new_users = [user for user, _role, _department in people if user.pk is None]
        taken = set(
            User.objects.filter(username__in=[u.username for u in new_users]).values_list("username", flat=True)
        )
        if taken:
            raise ValidationError(
                _("These usernames are already taken: %(usernames)s.") % {"usernames": ", ".join(sorted(taken))},
                code="duplicate_username",
            )
        for user in new_users:
            user.set_unusable_password()
        User.objects.bulk_create(new_users, batch_size=500)
        memberships = [
            Membership(project=project, user=user, role=role, department=department)
            for user, role, department in people
        ]
        evidence_changed(project_id=project.pk)  # bulk_create sends no post_save
        return bulk_create_with_history(memberships, Membership, batch_size=500)


def membership_update(*, membership: Membership, role: str, department: str) -> Membership:
    """Change a member's role or department. Leaving the Key User role drops their module assignments,
    which is refused where they are a module's last Key User; leaving the end-user role drops the
    modules they worked in as an end user."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if membership.role == Membership.Role.KEY_USER and role != Membership.Role.KEY_USER:
            assignments = KeyUserAssignment.objects.filter(membership=membership)
            key_user_rule_check(dropping=assignments)
            assignments.delete()
        if membership.role == Membership.Role.END_USER and role != Membership.Role.END_USER:
            ModuleEndUser.objects.filter(membership=membership).delete()
        membership.role = role
        membership.department = department
        membership.full_clean()
        membership.save()
    return membership


def membership_deactivate(*, membership: Membership) -> Membership:
    """Deactivate a member (kept for history), unless they are a module's last Key User."""
    with transaction.atomic():
        key_user_rule_check(dropping=KeyUserAssignment.objects.filter(membership=membership))
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    return membership


def membership_activate(*, membership: Membership) -> Membership:
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    return membership


def membership_delete(*, membership: Membership) -> None:
    """Remove a person from a project, unless they are a module's last Key User."""
    with transaction.atomic():
        key_user_rule_check(dropping=KeyUserAssignment.objects.filter(membership=membership))
        membership.delete()
