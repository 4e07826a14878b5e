import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from acceptance.models import CycleScenario, TestScenario
from acceptance.selectors import State
from modules.models import BusinessModule


def _search(queryset, prefix: str, value: str):
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(
        Q(**{f"{prefix}reference__icontains": value})
        | Q(**{f"{prefix}title__icontains": value})
        | Q(**{f"{prefix}business_process__icontains": value})
    )


class _BootstrapFilterSet(django_filters.FilterSet):
    """Small Bootstrap controls for the filter bar above a list."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                select = hasattr(field, "choices")
                field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"
            form.fields["q"].widget.attrs.update(type="search", placeholder=_("ID, title or process"))
        return self._form


class ScenarioFilter(_BootstrapFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    module = django_filters.ModelChoiceFilter(label=_("Module"), queryset=BusinessModule.objects.none())
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=TestScenario.Priority.choices)

    class Meta:
        model = TestScenario
        fields = ["q", "module", "priority"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["module"].queryset = BusinessModule.objects.filter(project=project).order_by("name")

    def search(self, queryset, name, value):
        return _search(queryset, "", value)


class CycleScenarioFilter(_BootstrapFilterSet):
    """Filters a cycle's planned scenarios (annotated with their `state`)."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    module = django_filters.ModelChoiceFilter(
        label=_("Module"), field_name="scenario__module", queryset=BusinessModule.objects.none()
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=State.choices)

    class Meta:
        model = CycleScenario
        fields = ["q", "module", "state"]

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["module"].queryset = (
            BusinessModule.objects.filter(test_scenarios__planned_in__cycle=cycle).distinct().order_by("name")
        )

    def search(self, queryset, name, value):
        return _search(queryset, "scenario__", value)
