"""The team page's forms: adding someone, changing a membership, uploading a roster."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.forms import NewPersonFields
from people.models import Membership, User


class PersonAddForm(NewPersonFields):
    """Add someone to the team: an existing account, or a new person."""

    account = forms.CharField(
        label=_("Existing account"),
        required=False,
        help_text=_("Username or email of someone who already has an account."),
    )
    role = forms.ChoiceField(label=_("Role in this project"), choices=Membership.Role.choices)
    field_order = ["account", "first_name", "last_name", "username", "email", "role", "department"]

    def clean(self):
        cleaned = super().clean()
        account = cleaned.get("account", "").strip()
        if account and self.has_new_person():
            raise forms.ValidationError(_("Either choose an existing account or describe a new person, not both."))
        if account:
            matches = list(User.objects.filter(Q(username__iexact=account) | Q(email__iexact=account))[:2])
            if not matches:
                self.add_error("account", _("No account has this username or email; add them as a new person."))
            elif len(matches) > 1:
                self.add_error("account", _("Several accounts match; give the username."))
            else:
                cleaned["user"] = matches[0]
        elif not self.has_new_person():
            raise forms.ValidationError(_("Choose an existing account or describe the new person."))
        self.clean_new_person()
        return cleaned


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("role", "department")
        help_texts = {
            "role": _(
                "A Key User who becomes something else stops being a Key User of their modules: refused while "
                "they are a module's only Key User."
            )
        }


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("CSV (UTF-8, UTF-8 with BOM or GBK, as Excel and WPS save it) or Excel .xlsx."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
