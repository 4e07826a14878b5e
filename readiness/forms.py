from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from readiness.evidence import THRESHOLD_FIELDS
from readiness.models import GoLiveDecision


class ReadinessThresholdsForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = THRESHOLD_FIELDS


class GoLiveDecisionForm(forms.ModelForm):
    class Meta:
        model = GoLiveDecision
        fields = ("outcome", "rationale", "conditions")
        widgets = {
            "outcome": forms.RadioSelect,
            "rationale": forms.Textarea(attrs={"rows": 4}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "rationale": _("Why: the evidence you weighed, the risks you accept or refuse."),
            "conditions": _("For a go with conditions: what must be true, by when and who sees to it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = GoLiveDecision.Outcome.choices  # no empty choice among the buttons
