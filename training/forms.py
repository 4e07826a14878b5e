"""Forms of the training pages. They parse input; the rules live in `training.services`."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from erpteam.forms import ModelMultipleChoiceField
from erpteam.permissions import Action, allows
from modules.models import BusinessModule
from people.fields import MemberChoiceField
from people.models import Membership
from training.models import MATERIAL_CONTENT_TYPES, Attendance, TrainingSession

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def schedulable_kinds(membership: Membership) -> list[tuple[str, str]]:
    """The kinds of session the member may schedule."""
    kinds = []
    for value, label in TrainingSession.Kind.choices:
        action = (
            Action.TRAINING_SCHEDULE_TTT
            if value == TrainingSession.Kind.TRAIN_THE_TRAINER
            else Action.TRAINING_SCHEDULE
        )
        if allows(membership, action):
            kinds.append((value, label))
    return kinds


def may_schedule(membership: Membership, *, kind: str, module_id: int) -> bool:
    action = (
        Action.TRAINING_SCHEDULE_TTT if kind == TrainingSession.Kind.TRAIN_THE_TRAINER else Action.TRAINING_SCHEDULE
    )
    return allows(membership, action, module_id=module_id)


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # "meet.example.com/abc" means https
    return model_field.formfield(**kwargs)


class SessionForm(forms.ModelForm):
    """Schedule or change a session. Modules and kinds are those the member may schedule: consultants any,
    Key Users end-user and refresher sessions of their own modules."""

    class Meta:
        model = TrainingSession
        formfield_callback = _formfield
        fields = [
            "module",
            "kind",
            "title",
            "trainer",
            "start_at",
            "end_at",
            "place",
            "online_link",
            "capacity",
            "has_assessment",
            "materials_link",
            "materials_file",
            "description",
        ]
        field_classes = {"trainer": MemberChoiceField}
        widgets = {
            "start_at": DateTimeInput(),
            "end_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "materials_file": forms.ClearableFileInput(
                attrs={"accept": ",".join(f".{e}" for e in MATERIAL_CONTENT_TYPES)}
            ),
        }
        help_texts = {
            "place": _("A room, or leave empty for an online session."),
            "online_link": _("Video call link, if the session is (also) online."),
            "materials_file": _("PDF, Office documents, images, MP4 or ZIP, up to 50 MB."),
        }

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        modules = BusinessModule.objects.filter(project_id=membership.project_id, in_scope=True).order_by("name")
        if not allows(membership, Action.TRAINING_SCHEDULE_TTT):
            modules = modules.filter(
                key_user_assignments__membership=membership, key_user_assignments__membership__is_active=True
            )
        self.fields["module"].queryset = modules
        self.fields["kind"].choices = schedulable_kinds(membership)
        self.fields["trainer"].for_project(
            membership.project,
            roles=[Membership.Role.APP_CONSULTANT, Membership.Role.TECH_CONSULTANT, Membership.Role.KEY_USER],
        )
        if self.instance.pk is None:
            self.fields["trainer"].initial = membership.pk
        else:
            del self.fields["module"]  # a session stays with its module; schedule another one instead

    def clean(self):
        cleaned = super().clean()
        module = cleaned.get("module") if self.instance.pk is None else self.instance.module
        kind = cleaned.get("kind")
        if module and kind and not may_schedule(self.membership, kind=kind, module_id=module.pk):
            raise ValidationError(
                _("You may not schedule this kind of session for %(module)s.") % {"module": module.name},
                code="not_allowed",
            )
        if not cleaned.get("place") and not cleaned.get("online_link"):
            self.add_error("place", _("Give a place or an online link, so that people know where to go."))
        return cleaned

    @property
    def session_fields(self) -> dict:
        """The cleaned values as the services take them (the module is not one of them)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "module"}


class InviteForm(forms.Form):
    """Invite chosen people; the candidates (with whether each is already trained) come from a selector."""

    people = ModelMultipleChoiceField(
        label=_("People"), queryset=Membership.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    override_capacity = forms.BooleanField(
        label=_("Invite beyond capacity"),
        required=False,
        help_text=_("Invite them even if there are more people than places."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = candidates
        self.fields["people"].error_messages["required"] = _("Tick at least one person to invite.")


class InviteNotYetTrainedForm(forms.Form):
    override_capacity = forms.BooleanField(label=_("Invite beyond capacity"), required=False)


ASSESSMENT_CHOICES = [("passed", _("Passed")), ("failed", _("Failed"))]
RECORDABLE_CHOICES = [
    (value, label) for value, label in Attendance.Status.choices if value != Attendance.Status.INVITED
]


class AttendanceForm(forms.Form):
    """One radio group per person (and one for the assessment, where the session has one). A person
    left blank keeps their status."""

    def __init__(self, *args, session: TrainingSession, attendances: list[Attendance], **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.rows = []
        for attendance in attendances:
            status = forms.ChoiceField(
                label=attendance.membership.user.display_name,
                choices=RECORDABLE_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial=attendance.status if attendance.status != Attendance.Status.INVITED else None,
            )
            self.fields[f"status_{attendance.pk}"] = status
            if session.has_assessment:
                initial = {True: "passed", False: "failed"}.get(attendance.assessment_passed)
                self.fields[f"passed_{attendance.pk}"] = forms.ChoiceField(
                    label=_("Assessment"),
                    choices=ASSESSMENT_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=initial,
                )
            self.rows.append(attendance)

    def row_fields(self):
        """(attendance, status field, assessment field or None) for the template."""
        for attendance in self.rows:
            passed = self[f"passed_{attendance.pk}"] if self.session.has_assessment else None
            yield attendance, self[f"status_{attendance.pk}"], passed

    @property
    def all_present(self) -> bool:
        """The "All present" button (without JavaScript): everyone left blank is present."""
        return bool(self.data.get("all_present"))

    @property
    def marks(self) -> dict[int, tuple[str, bool | None]]:
        """attendance id → (status, assessment passed) for the people given a status."""
        marks = {}
        for attendance in self.rows:
            status = self.cleaned_data.get(f"status_{attendance.pk}")
            if not status and self.all_present:
                status = Attendance.Status.PRESENT
            if not status:
                continue
            passed = {"passed": True, "failed": False}.get(self.cleaned_data.get(f"passed_{attendance.pk}"))
            marks[attendance.pk] = (status, passed)
        return marks

    def clean(self):
        cleaned = super().clean()
        if self.rows and not self.all_present and not any(cleaned.get(f"status_{a.pk}") for a in self.rows):
            raise ValidationError(_("Mark at least one person present, late, excused or absent."), code="empty")
        return cleaned
