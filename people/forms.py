from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _


class NewPersonFields(forms.Form):
    """The fields of a person who has no account yet; forms that can add someone on the spot include
    them. All empty: no new person."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        required=False,
        validators=[UnicodeUsernameValidator()],
        help_text=_("What they log in with: letters, digits and @ . + - _ only."),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    department = forms.CharField(label=_("Department"), max_length=100, required=False)

    person_fields = ("first_name", "last_name", "username", "email")

    def has_new_person(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.person_fields)

    def clean_new_person(self) -> None:
        """Once any field of the new person is filled in, a username and a name are needed."""
        if not self.has_new_person():
            return
        if not self.cleaned_data.get("username") and "username" not in self.errors:
            self.add_error("username", _("A new person needs a username."))
        if not (self.cleaned_data.get("first_name") or self.cleaned_data.get("last_name")):
            self.add_error("first_name", _("A new person needs a name."))

    def new_person(self) -> dict:
        """Keyword arguments of `people.services.person_add` for the new person."""
        return {name: self.cleaned_data[name] for name in self.person_fields}
