"""The audit trail's filters. Each applies to every kind's history rows in turn (`filter_queryset`)."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.selectors import KINDS, about_module, audit_people
from erpteam.dates import date_in_range
from modules.models import BusinessModule
from people.models import User

ANY = _("Any")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind of change"),
        choices=[(kind.key, kind.label) for kind in KINDS.values()],
        method="filter_kind",
        empty_label=_("All"),
    )
    person = django_filters.ModelChoiceFilter(
        label=_("Changed by"), queryset=User.objects.none(), method="filter_person", empty_label=ANY
    )
    module = django_filters.ModelChoiceFilter(
        label=_("Module"), queryset=BusinessModule.objects.none(), method="filter_module", empty_label=ANY
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        method="filter_from",
        validators=[date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"), method="filter_to", validators=[date_in_range], widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, queryset=None, *, project, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["person"].queryset = audit_people(project=project)
        self.filters["module"].queryset = BusinessModule.objects.filter(project=project)
        for name, form_field in self.form.fields.items():
            form_field.widget.attrs["class"] = (
                "form-control form-control-sm" if name.startswith("date_") else "form-select form-select-sm"
            )
        self.form.fields["person"].label_from_instance = lambda user: user.display_name

    @staticmethod
    def _kind(queryset):
        return next(kind for kind in KINDS.values() if kind.history_model is queryset.model)

    def filter_kind(self, queryset, name, value):
        return queryset if self._kind(queryset).key == value else queryset.none()

    def filter_person(self, queryset, name, value):
        return queryset.filter(history_user=value)

    def filter_module(self, queryset, name, value):
        condition = about_module(self._kind(queryset), value.pk)
        return queryset.none() if condition is None else queryset.filter(condition)

    def filter_from(self, queryset, name, value):
        return queryset.filter(history_date__gte=_start_of(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(history_date__lt=_start_of(value + datetime.timedelta(days=1)))
