"""Every write to accounts and memberships. Each refuses what would leave a module without a Key User."""

import contextlib
import smtplib

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from erpteam.readiness_registry import evidence_changed
from modules.models import KeyUserAssignment, ModuleEndUser
from modules.services import key_user_rule_check
from people.models import Membership, User
from projects.models import Project


def user_create(
    *, username: str, email: str = "", first_name: str = "", last_name: str = "", password: str | None = None
) -> User:
    """Create an account; without a password it cannot log in until one is set. A password must pass
    the site's password validators, as on every page where one is set."""
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def password_link_send(*, user: User, invited_by: Membership | None = None) -> None:
    """Email a person a link to set their password: their first one (an account added to a project has
    none) or a new one. The link works once, for `PASSWORD_RESET_TIMEOUT`; the email is in the person's
    language (else the current one) and says who invited them, when someone did."""
    if not user.is_active:
        raise ValidationError(
            _("The account of %(person)s is deactivated: it cannot log in.") % {"person": user.display_name},
            code="inactive",
        )
    if not user.email:
        raise ValidationError(
            _("%(person)s has no email address: an administrator can add one to the account.")
            % {"person": user.display_name},
            code="no_email",
        )
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    days = max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1)
    first = not user.has_usable_password()
    with translation.override(user.language) if user.language else contextlib.nullcontext():
        if invited_by is not None:
            subject = _("You are invited to %(project)s on erpteam") % {"project": invited_by.project.name}
        else:
            subject = _("Set your erpteam password") if first else _("Reset your erpteam password")
        paragraphs = [_("Hello %(name)s,") % {"name": user.display_name}]
        if invited_by is not None:
            paragraphs.append(
                _(
                    "%(inviter)s added you to the project %(project)s in erpteam, the workspace of your ERP "
                    "implementation team."
                )
                % {"inviter": invited_by.user.display_name, "project": invited_by.project.name}
            )
        if first:
            paragraphs.append(_("Choose your password on this page, then log in:") + "\n" + link)
        else:
            paragraphs.append(
                _("Someone asked for a new password for your account. Choose one on this page:") + "\n" + link
            )
        closing = [
            _("Your username: %(username)s") % {"username": user.username},
            ngettext("The link works once, within %(days)s day.", "The link works once, within %(days)s days.", days)
            % {"days": days},
        ]
        if invited_by is None:
            closing.append(_("If you did not ask for it, ignore this email: your password stays as it is."))
        body = "\n\n".join([*paragraphs, "\n".join(closing)]) + "\n"
    try:
        EmailMessage(subject, body, to=[user.email]).send()
    except (smtplib.SMTPException, OSError) as error:
        raise ValidationError(
            _("The email to %(email)s could not be sent; try again later.") % {"email": user.email},
            code="mail_failed",
        ) from error


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


def membership_create(*, project: Project, user: User, role: str, department: str = "") -> Membership:
    """Add a person to a project in a role."""
    with transaction.atomic():
        if Membership.objects.filter(project=project, user=user).exists():
            raise ValidationError(
                _("%(person)s is already a member of this project.") % {"person": user.display_name},
                code="duplicate_member",
            )
        membership = Membership(project=project, user=user, role=role, department=department)
        membership.full_clean()
        membership.save()
    return membership


def person_add(
    *,
    project: Project,
    role: str,
    department: str = "",
    user: User | None = None,
    username: str = "",
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """Add an existing account, or a new person (an account without a password yet), to a project."""
    with transaction.atomic():
        if user is None:
            if User.objects.filter(username__iexact=username).exists():
                raise ValidationError(
                    _("An account with the username %(username)s already exists; add it as an existing account.")
                    % {"username": username},
                    code="duplicate_username",
                )
            try:
                user = user_create(username=username, email=email, first_name=first_name, last_name=last_name)
            except ValidationError as error:
                raise ValidationError(error.messages, code="invalid_person") from error
        return membership_create(project=project, user=user, role=role, department=department)


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


def user_preferences_update(*, user: User, language: str | None = None, time_zone: str | None = None) -> User:
    """Remember a person's language and time zone (empty: follow the browser / the site)."""
    fields = []
    if language is not None:
        user.language = language
        fields.append("language")
    if time_zone is not None:
        user.time_zone = time_zone
        fields.append("time_zone")
    user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in fields])
    user.save(update_fields=fields)
    return user
