import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modules.models import BusinessModule
from modules.selectors import project_key_users


class ModuleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    in_scope = django_filters.ChoiceFilter(
        label=_("Scope"),
        choices=[("yes", _("In scope")), ("no", _("Out of scope"))],
        method="by_scope",
        empty_label=_("In and out of scope"),
    )
    key_user = django_filters.ModelChoiceFilter(
        label=_("Key User"), queryset=None, method="by_key_user", empty_label=_("Any Key User")
    )

    class Meta:
        model = BusinessModule
        fields = ["q", "in_scope", "key_user"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["key_user"].queryset = project_key_users(project=project)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(description__icontains=value))

    def by_scope(self, queryset, name, value):
        return queryset.filter(in_scope=value == "yes")

    def by_key_user(self, queryset, name, value):
        return queryset.filter(key_user_assignments__membership=value)
