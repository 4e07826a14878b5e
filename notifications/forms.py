import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification


class SettingsForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Follow my browser")), *settings.LANGUAGES],
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=[("", _("The site's time zone")), *((tz, tz) for tz in sorted(zoneinfo.available_timezones()))],
    )
    email_kinds = forms.MultipleChoiceField(
        label=_("Send me an email when"),
        required=False,
        choices=Notification.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everything always shows in the app; choose what also comes by email."),
    )
