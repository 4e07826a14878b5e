"""A person's own account: the password (changing it, and the emailed link that sets it, whether
forgotten or never set: people added to a project get an account without one; Django's views, with
erpteam's pages and emails, `people.services.password_link_send`) and the language switch."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from erpteam.cache import CacheUnavailable
from people import services
from people.models import User

logger = logging.getLogger(__name__)

RESEND_AFTER_SECONDS = 5 * 60


class PasswordLinkForm(PasswordResetForm):
    def get_users(self, email):
        """Every active account with this address, with a password or none yet (Django's own form
        leaves out the latter; here they are the people a team added, setting their first one)."""
        return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")

    def save(self, **kwargs):
        """Send the link to each account with the address, at most once per account every few minutes
        (asking again does not flood a mailbox). The page says the same whether there is an account or
        not, and whether the mail server took it: a failure is logged, never shown to a stranger."""
        for user in self.get_users(self.cleaned_data["email"]):
            key = f"password-link:{user.pk}"
            if not cache.add(key, True, timeout=RESEND_AFTER_SECONDS):
                continue
            try:
                services.password_link_send(user=user)
            except ValidationError:
                cache.delete(key)  # nothing left: the person may ask again at once
                logger.exception("The password link to user %s could not be sent.", user.pk)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordLinkForm
    template_name = "registration/password_reset_form.html"
    title = gettext_lazy("Choose a password")

    def form_valid(self, form):
        """Without the cache the resend throttle cannot count: no link is sent (it fails closed)."""
        try:
            return super().form_valid(form)
        except CacheUnavailable:
            form.add_error(None, _("Links cannot be sent just now; try again in a few minutes."))
            return self.form_invalid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    title = gettext_lazy("Look in your mailbox")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    title = gettext_lazy("Choose a password")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    title = gettext_lazy("Password set")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    title = gettext_lazy("Change my password")
    success_url = reverse_lazy("my_settings")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


@login_not_required
@require_POST
def language_set(request):
    """Switch the language; for a signed-in person, remember it on the account."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_preferences_update(user=request.user, language=language)
    return set_language(request)
