"""Writes to accounts and memberships that need no other app: creating accounts and adding people to a
project, password links, preferences. Those the Key User rule bounds are in team.services."""

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

from people.models import Membership, User


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


def membership_create(*, project, user: User, role: str, department: str = "") -> Membership:
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
    project,
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
