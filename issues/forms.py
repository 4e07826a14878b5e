"""Forms of the issue pages. They parse input; the rules live in `issues.services`."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from issues.models import Issue, SlaPolicy, SolutionOption
from issues.selectors import WORKER_ROLES
from issues.services import SLA_FIELDS, TIER_ROLES
from issues.uploads import ACCEPT, MAX_ATTACHMENTS_PER_UPLOAD
from people.fields import MemberChoiceField
from people.models import Membership


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several screenshots in one go (the type and size of each are checked by the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_ATTACHMENTS_PER_UPLOAD:
            raise forms.ValidationError(
                _("Attach at most %(n)s files at a time.") % {"n": MAX_ATTACHMENTS_PER_UPLOAD}, code="too_many"
            )
        clean_one = super().clean
        return [clean_one(f, initial) for f in files]


class PageForm:
    """A form that shares the issue page with others: its own ids, so labels point at the right field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


ATTACHMENTS_HELP = _("Screenshots (PNG, JPEG, GIF, WebP) or PDF, up to 5 MB each.")


class IssueForm(forms.ModelForm):
    """Log an issue: the module choices are those the member may log for."""

    attachments = MultipleFileField(label=_("Screenshots"), help_text=ATTACHMENTS_HELP)

    class Meta:
        model = Issue
        fields = ["module", "title", "category", "severity", "description", "affected_end_user", "blocks_go_live"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"affected_end_user": MemberChoiceField}
        help_texts = {
            "blocks_go_live": _("The business cannot go live while this is open."),
            "affected_end_user": _("The person who hit the problem; they can follow the issue."),
        }

    def __init__(self, *args, modules, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules
        self.fields["affected_end_user"].for_project(project, roles=[Membership.Role.END_USER])
        self.fields["severity"].initial = Issue.Severity.S3
        self.fields["title"].widget.attrs["autofocus"] = True


class HelpRequestForm(forms.ModelForm):
    """An end user asks for help: what happened, where; the Key User triages the rest."""

    attachments = MultipleFileField(label=_("Screenshots"), help_text=ATTACHMENTS_HELP)

    class Meta:
        model = Issue
        fields = ["module", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        labels = {"title": _("What went wrong?"), "description": _("What were you doing, and what did you see?")}

    def __init__(self, *args, modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules
        self.fields["description"].required = True


class IssueUpdateForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["title", "category", "severity", "description", "affected_end_user", "blocks_go_live"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        field_classes = {"affected_end_user": MemberChoiceField}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["affected_end_user"].for_project(project, roles=[Membership.Role.END_USER])


class TransitionForm(PageForm, forms.Form):
    id_prefix = "transition"

    to_status = forms.ChoiceField(label=_("New status"), choices=Issue.Status.choices)
    waiting_on = MemberChoiceField(label=_("Waiting on"), required=False)
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["waiting_on"].for_project(project)


class AssignForm(PageForm, forms.Form):
    id_prefix = "assign"

    assignee = MemberChoiceField(label=_("Assign to"), roles=WORKER_ROLES, required=False, empty_label=_("Nobody"))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].for_project(project)
        self.fields["assignee"].widget.attrs["class"] = "form-select"


class EscalateForm(PageForm, forms.Form):
    id_prefix = "escalate"

    to_tier = forms.ChoiceField(
        label=_("Escalate to"),
        choices=[(t.value, t.label) for t in Issue.Tier if t != Issue.Tier.KEY_USER],
    )
    assignee = MemberChoiceField(
        label=_("Hand to"),
        roles=TIER_ROLES[Issue.Tier.CONSULTANT] | TIER_ROLES[Issue.Tier.TECHNICAL],
        required=False,
        empty_label=_("Everyone in that tier"),
        help_text=_("Optional: an application consultant, or an IT user or technical consultant."),
    )
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].for_project(project)


class CommentForm(PageForm, forms.Form):
    id_prefix = "comment"

    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(PageForm, forms.Form):
    id_prefix = "attachment"

    files = MultipleFileField(label=_("Screenshots"), help_text=ATTACHMENTS_HELP, required=True)


class SolutionOptionForm(PageForm, forms.ModelForm):
    id_prefix = "option"

    class Meta:
        model = SolutionOption
        fields = ["summary", "pros", "cons", "effort", "risk"]
        widgets = {"pros": forms.Textarea(attrs={"rows": 3}), "cons": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(PageForm, forms.Form):
    id_prefix = "decision"

    option = forms.ModelChoiceField(label=_("Chosen alternative"), queryset=SolutionOption.objects.none())
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, issue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = SolutionOption.objects.filter(issue=issue)


class SlaPolicyForm(forms.ModelForm):
    class Meta:
        model = SlaPolicy
        fields = SLA_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.validators.append(MinValueValidator(1))
            field.widget.attrs.update({"class": "form-control", "min": 1, "aria-label": field.label})

    def rows(self) -> list[tuple]:
        """(severity, respond field, resolve field) per severity, for the table."""
        return [
            (label, self[f"{value}_respond_hours"], self[f"{value}_resolve_hours"])
            for value, label in Issue.Severity.choices
        ]
