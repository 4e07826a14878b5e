from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import PhaseChange, Project

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectCreateForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ("code", "name", "client", "erp_product", "phase", "start_date", "target_go_live")
        widgets = {"start_date": DATE, "target_go_live": DATE}
        help_texts = {
            "code": _("Short and unique, e.g. acme-s4; letters, digits and hyphens."),
            "erp_product": _("e.g. SAP S/4HANA 2023, Oracle Fusion, Dynamics 365, Kingdee, Yonyou."),
        }


class ProjectUpdateForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ("code", "name", "client", "erp_product", "start_date", "target_go_live", "actual_go_live")
        widgets = {"start_date": DATE, "target_go_live": DATE, "actual_go_live": DATE}
        help_texts = {"actual_go_live": _("Fill in on the day the ERP goes live.")}


class PhaseChangeForm(forms.ModelForm):
    class Meta:
        model = PhaseChange
        fields = ("to_phase", "note")
        labels = {"to_phase": _("New phase")}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": _("Why now: a milestone reached, a decision, a reason to go back.")}
