from django import forms
from django.utils.translation import gettext_lazy as _

from erpteam.forms import ModelMultipleChoiceField
from modules.models import BusinessModule, Deliverable, DeliverableType, KeyUserAssignment
from people.forms import NewPersonFields

KEY_USER_RULE = _("Every business module has at least one Key User.")


def person_label(membership) -> str:
    user = membership.user
    return f"{user.display_name} · {membership.department}" if membership.department else user.display_name


class KeyUserChoiceMixin(NewPersonFields):
    """Key Users chosen from the project's Key Users, or a new person added right here."""

    def require_a_key_user(self, chosen) -> None:
        self.clean_new_person()
        if not chosen and not self.has_new_person():
            raise forms.ValidationError(
                _("%(rule)s Choose one of the project's Key Users or add a new person.") % {"rule": KEY_USER_RULE},
                code="no_key_user",
            )


class ModuleCreateForm(KeyUserChoiceMixin, forms.ModelForm):
    key_users = ModelMultipleChoiceField(
        label=_("Key Users"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    primary = forms.ModelChoiceField(
        label=_("Primary Key User"),
        queryset=None,
        required=False,
        empty_label=_("The first one ticked above (or the new person)"),
        help_text=_("The others are backups. A backup is recommended, so the module never depends on one person."),
    )

    class Meta:
        model = BusinessModule
        fields = ("code", "name", "description", "in_scope")
        help_texts = {"code": _("Short and unique in the project, e.g. fin-gl; used in roster files.")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    field_order = ["code", "name", "description", "in_scope", "key_users", "primary"]

    def __init__(self, *args, key_users, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("key_users", "primary"):
            self.fields[name].queryset = key_users
            self.fields[name].label_from_instance = person_label

    def clean(self):
        cleaned = super().clean()
        chosen = list(cleaned.get("key_users") or [])
        if primary := cleaned.get("primary"):
            chosen = [primary, *(m for m in chosen if m != primary)]
        cleaned["chosen_key_users"] = chosen
        self.require_a_key_user(chosen)
        return cleaned


class ModuleUpdateForm(forms.ModelForm):
    class Meta:
        model = BusinessModule
        fields = ("code", "name", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class KeyUserAddForm(KeyUserChoiceMixin):
    membership = forms.ModelChoiceField(label=_("Key User"), queryset=None, required=False, empty_label=_("—"))
    kind = forms.ChoiceField(
        label=_("As"), choices=KeyUserAssignment.Kind.choices, initial=KeyUserAssignment.Kind.BACKUP
    )
    field_order = ["membership", "kind"]

    def __init__(self, *args, key_users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = key_users
        self.fields["membership"].label_from_instance = lambda m: m.user.display_name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("membership") and self.has_new_person():
            raise forms.ValidationError(_("Either choose a Key User or add a new person, not both."))
        self.require_a_key_user(cleaned.get("membership"))
        return cleaned


class EndUsersAddForm(forms.Form):
    memberships = ModelMultipleChoiceField(label=_("End users"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, end_users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["memberships"].queryset = end_users
        self.fields["memberships"].label_from_instance = person_label


class DeliverableForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ("status", "owner", "due_date", "note")
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"status": _("Signing off records you and the time.")}

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda m: f"{m.user.display_name} ({m.get_role_display()})"


class DeliverableTypeForm(forms.ModelForm):
    add_to_existing_modules = forms.BooleanField(
        label=_("Add it to the existing modules too"), required=False, initial=True
    )

    class Meta:
        model = DeliverableType
        fields = ("name", "description", "due_days_before_go_live")
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class DeliverableTypeUpdateForm(forms.ModelForm):
    class Meta:
        model = DeliverableType
        fields = ("name", "description", "position", "due_days_before_go_live", "is_active")
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
