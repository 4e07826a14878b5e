"""Query pieces every app's selectors share."""

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_subquery(queryset: QuerySet, *, per: str, distinct: bool = False) -> Coalesce:
    """How many rows of `queryset` there are for each outer row, as a correlated subquery (0 when none).

    `queryset` is already filtered on the outer row (`module=OuterRef("pk")`); `per` is the field that
    filter uses. One subquery per figure, so several counts on one queryset never multiply each other's
    joins. `distinct` counts each row once where the filter joins to many.
    """
    counted = queryset.order_by().values(per).annotate(n=Count("pk", distinct=distinct)).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
