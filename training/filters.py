import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.models import BusinessModule
from training.models import TrainingSession


def _styled(form: forms.Form) -> None:
    """Bootstrap's small controls; a choice applies at once (the page's script submits the form)."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.Select):
            field.widget.attrs.update({"class": "form-select form-select-sm", "data-autosubmit": ""})
        else:
            field.widget.attrs.update({"class": "form-control form-control-sm", "type": "search"})


class SessionFilter(django_filters.FilterSet):
    WHEN = [("upcoming", _("Upcoming")), ("past", _("Past"))]

    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=forms.TextInput(attrs={"placeholder": _("Title or place")})
    )
    module = django_filters.ModelChoiceFilter(label=_("Module"), queryset=BusinessModule.objects.none())
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=TrainingSession.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TrainingSession.Status.choices)
    when = django_filters.ChoiceFilter(label=_("When"), choices=WHEN, method="filter_when")

    class Meta:
        model = TrainingSession
        fields = ["q", "module", "kind", "status", "when"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["module"].queryset = BusinessModule.objects.filter(project=project).order_by("name")
        _styled(self.form)

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(place__icontains=value))

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(end_at__gte=now).order_by("start_at", "pk")
        return queryset.filter(end_at__lt=now).order_by("-start_at", "-pk")


class GoLiveAccessFilter(django_filters.FilterSet):
    STATUS = [("ready", _("Trained for all their modules")), ("missing", _("Training missing"))]

    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS, method="filter_status")
    department = django_filters.ChoiceFilter(label=_("Department"), choices=[])
    module = django_filters.ModelChoiceFilter(
        label=_("Module"), queryset=BusinessModule.objects.none(), method="filter_module"
    )

    def __init__(self, *args, project, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].extra["choices"] = [(d, d) for d in departments]
        self.filters["module"].queryset = BusinessModule.objects.filter(project=project, in_scope=True).order_by("name")
        _styled(self.form)

    def filter_status(self, queryset, name, value):
        return queryset.filter(ready=value == "ready")

    def filter_module(self, queryset, name, value):
        return queryset.filter(end_user_modules__module=value)
