"""The issue list's filters, quick views and sort orders."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from issues.models import Issue
from issues.selectors import issue_workers, issues_on_desk, issues_to_triage
from modules.models import BusinessModule, KeyUserAssignment, ModuleEndUser
from people.models import Membership

OPEN = "open"
YES_NO = [("true", _("Yes")), ("false", _("No"))]
ANY = _("Any")


class IssueOrdering(django_filters.OrderingFilter):
    """The chosen order, then the highest number first among equals: pages that neither overlap nor
    skip, each order served by an index that ends in the number."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.order_by(*(self.get_ordering_value(param) for param in value), "-number")


class IssueFilter(django_filters.FilterSet):
    """Filters of the issue list. `membership` gives meaning to "assigned to me" and "my modules"."""

    VIEWS = [
        ("to_triage", _("To triage")),
        ("desk", _("Waiting for me")),
        ("mine", _("Assigned to me")),
        ("my_modules", _("My modules")),
        ("blocking", _("Blocking go-live")),
        ("overdue", _("Overdue")),
    ]

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    view = django_filters.ChoiceFilter(label=_("Quick view"), choices=VIEWS, method="filter_view", empty_label=ANY)
    module = django_filters.ModelChoiceFilter(
        label=_("Module"), queryset=BusinessModule.objects.none(), empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (any)")), *Issue.Status.choices],
        method="filter_status",
        empty_label=ANY,
    )
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Issue.Severity.choices, empty_label=ANY)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Issue.Category.choices, empty_label=ANY)
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assignee"), queryset=Membership.objects.none(), empty_label=ANY
    )
    blocks_go_live = django_filters.ChoiceFilter(
        label=_("Blocks go-live"), choices=YES_NO, method="filter_blocking", empty_label=ANY
    )
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=YES_NO, method="filter_overdue", empty_label=ANY)
    sort = IssueOrdering(
        label=_("Sort by"),
        empty_label=_("Newest first"),
        fields=(
            ("number", "number"),
            ("severity", "severity"),
            ("status", "status"),
            ("resolve_due", "resolve_due"),
            ("module__name", "module"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "number": _("Number"),
            "severity": _("Severity"),
            "status": _("Status"),
            "resolve_due": _("Resolution due"),
            "module__name": _("Module"),
            "updated_at": _("Last change"),
            # django-filter would build these as "… (descending)" once, in the language of the import.
            "-number": _("Number, highest first"),
            "-severity": _("Severity, lowest first"),
            "-status": _("Status, reversed"),
            "-resolve_due": _("Resolution due, latest first"),
            "-module": _("Module, Z to A"),
            "-updated": _("Last change, newest first"),
        },
    )

    class Meta:
        model = Issue
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, membership: Membership, **kwargs):
        self.membership = membership
        super().__init__(data, queryset, **kwargs)
        project = membership.project
        self.filters["module"].queryset = BusinessModule.objects.filter(project=project)
        self.filters["assignee"].queryset = issue_workers(project=project)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
            field.widget.attrs["data-autosubmit"] = ""
        self.form.fields["assignee"].label_from_instance = lambda membership: membership.user.display_name
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": _("Title or #number"), "type": "search"}
        )

    def filter_search(self, queryset, name, value):
        value = value.strip().lstrip("#")
        if value.isdigit():
            return queryset.filter(Q(number=int(value)) | Q(title__icontains=value))
        return queryset.filter(title__icontains=value)

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.open()
        return queryset.filter(status=value)

    def filter_blocking(self, queryset, name, value):
        return queryset.filter(blocks_go_live=value == "true")

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value == "true" else queryset.exclude(Issue.overdue_q())

    def filter_view(self, queryset, name, value):
        membership = self.membership
        me = [membership]
        if value == "to_triage":
            return queryset.filter(pk__in=issues_to_triage(memberships=me).values("pk"))
        if value == "desk":
            return queryset.filter(pk__in=issues_on_desk(memberships=me).values("pk"))
        if value == "mine":
            return queryset.filter(assignee=membership)
        if value == "my_modules":
            return queryset.filter(
                Q(module_id__in=KeyUserAssignment.objects.filter(membership=membership).values("module_id"))
                | Q(module_id__in=ModuleEndUser.objects.filter(membership=membership).values("module_id"))
            )
        if value == "blocking":
            return queryset.open().filter(blocks_go_live=True)
        if value == "overdue":
            return queryset.overdue()
        return queryset
