import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modules.models import BusinessModule
from people.models import Membership


class RosterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Membership.Role.choices, empty_label=_("Any role"))
    department = django_filters.ChoiceFilter(label=_("Department"), empty_label=_("Any department"))
    module = django_filters.ModelChoiceFilter(
        label=_("Module"), queryset=BusinessModule.objects.none(), method="in_module", empty_label=_("Any module")
    )
    active = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("yes", _("Active")), ("no", _("Inactive"))],
        method="by_state",
        empty_label=_("Active and inactive"),
    )

    class Meta:
        model = Membership
        fields = ["q", "role", "department", "module", "active"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["module"].queryset = BusinessModule.objects.filter(project=project).order_by("name")
        departments = (
            Membership.objects.filter(project=project)
            .exclude(department="")
            .order_by("department")
            .values_list("department", flat=True)
            .distinct()
        )
        self.filters["department"].extra["choices"] = [(d, d) for d in departments]

    def search(self, queryset, name, value):
        """Every word must match a name, the username, the email or the department ("Wei Li" finds Li Wei)."""
        for word in value.split():
            terms = Q()
            for field in ("user__username", "user__first_name", "user__last_name", "user__email", "department"):
                terms |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(terms)
        return queryset

    def in_module(self, queryset, name, value):
        return queryset.filter(Q(key_user_assignments__module=value) | Q(end_user_modules__module=value)).distinct()

    def by_state(self, queryset, name, value):
        active = Q(is_active=True, user__is_active=True)
        return queryset.filter(active) if value == "yes" else queryset.exclude(active)
