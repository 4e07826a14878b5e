from django.db.models.query import EmptyQuerySet
from django.views.generic import TemplateView

from audit.filters import AuditFilter
from audit.selectors import KINDS, audit_page, audit_rows
from erpteam.permissions import Action
from erpteam.views import ProjectMixin


class AuditTrailView(ProjectMixin, TemplateView):
    """Every recorded change in the project, newest first, filtered by kind, person, module and dates."""

    action = Action.AUDIT_VIEW
    template_name = "audit/list.html"

    def get_context_data(self, **kwargs):
        filterset = AuditFilter(
            self.request.GET or None, queryset=KINDS["membership"].history.none(), project=self.project
        )
        if filterset.is_bound:
            filterset.is_valid()  # a filter with an invalid value is left out, as on the other lists

        def where(kind, rows):
            rows = filterset.filter_queryset(rows) if filterset.is_bound else rows
            return None if isinstance(rows, EmptyQuerySet) else rows

        rows = audit_rows(project=self.project, kinds=KINDS.values(), where=where)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            section="audit",
            filter=filterset,
            page=audit_page(project=self.project, rows=rows, number=self.request.GET.get("page")),
            query=query.urlencode(),
            **kwargs,
        )
