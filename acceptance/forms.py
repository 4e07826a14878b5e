from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from acceptance.models import Result, TestCycle, TestScenario
from acceptance.services import StepSpec
from erpteam.forms import ModelMultipleChoiceField
from issues.models import Issue
from issues.uploads import MAX_ATTACHMENT_BYTES
from modules.models import BusinessModule
from people.fields import MemberChoiceField
from people.models import Membership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScenarioForm(forms.ModelForm):
    """A scenario's fields. `modules` are those the member may write scenarios for."""

    class Meta:
        model = TestScenario
        fields = (
            "module",
            "reference",
            "title",
            "business_process",
            "priority",
            "owner",
            "related_modules",
            "description",
        )
        field_classes = {"owner": MemberChoiceField, "related_modules": ModelMultipleChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "related_modules": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, project, modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules
        self.fields["related_modules"].queryset = BusinessModule.objects.filter(project=project).order_by("name")
        self.fields["owner"].for_project(project, roles=[Membership.Role.KEY_USER])
        self.fields["owner"].required = True


class StepForm(forms.Form):
    action = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    expected_result = forms.CharField(label=_("Expected result"), widget=forms.Textarea(attrs={"rows": 2}))


class BaseStepFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            field.widget.attrs["class"] = "form-check-input" if name == "DELETE" else "form-control form-control-sm"

    def steps(self) -> list[StepSpec]:
        """The steps kept, in the order given."""
        return [StepSpec(f.cleaned_data["action"], f.cleaned_data["expected_result"]) for f in self.ordered_forms]


StepFormSet = forms.formset_factory(
    StepForm, formset=BaseStepFormSet, extra=2, min_num=1, validate_min=True, can_delete=True, can_order=True
)


class CycleForm(forms.ModelForm):
    scenarios = ModelMultipleChoiceField(
        label=_("Scenarios in this cycle"),
        queryset=TestScenario.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TestCycle
        fields = ("kind", "name", "start_date", "end_date")
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].queryset = (
            TestScenario.objects.filter(project=project).select_related("module").order_by("module__name", "reference")
        )
        self.fields["scenarios"].label_from_instance = lambda s: f"{s.module.name} · {s.reference} · {s.title}"
        if self.instance.pk:
            self.initial["scenarios"] = [p.scenario_id for p in self.instance.planned.all()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The cycle ends before it starts."))
        return cleaned


class RunStartForm(forms.Form):
    scenario = forms.ModelChoiceField(label=_("Scenario"), queryset=TestScenario.objects.none())
    tester = forms.ModelChoiceField(
        label=_("Tester"),
        queryset=Membership.objects.none(),
        help_text=_("A consultant, a Key User of the module or an end user; they record each step."),
    )

    def __init__(self, *args, scenarios, testers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = scenarios
        self.fields["scenario"].label_from_instance = lambda s: f"{s.reference} · {s.title} ({s.module.name})"
        self.fields["tester"].queryset = testers
        self.fields["tester"].label_from_instance = lambda m: f"{m.user.display_name} · {m.get_role_display()}"


class StepRecordForm(forms.Form):
    status = forms.ChoiceField(label=_("Result"), choices=Result.choices, widget=forms.RadioSelect)
    actual_result = forms.CharField(
        label=_("Actual result"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the system did; needed when the step failed or is blocked."),
    )
    screenshot = forms.FileField(
        label=_("Screenshot"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
        help_text=format_lazy(_("PNG, JPEG, GIF or WebP, up to {mb} MB."), mb=MAX_ATTACHMENT_BYTES // (1024 * 1024)),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") in (Result.FAILED, Result.BLOCKED) and not cleaned.get("actual_result", "").strip():
            self.add_error("actual_result", _("Describe what actually happened: the defect will say it."))
        return cleaned


class DefectForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Issue.Severity.choices, initial=Issue.Severity.S3)


class ExceptionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the module may be signed off although these defects are open (workaround, fix date…)."),
    )


class ImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024  # the previewed file travels back with the confirmation

    file = forms.FileField(
        label=_("Test script"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK), one row per step."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("A test script is at most %(mb)s MB; split it into several files.")
                % {"mb": self.MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ImportConfirmForm(forms.Form):
    """The previewed file, carried back for the import itself (it is read and checked again)."""

    data = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput)
