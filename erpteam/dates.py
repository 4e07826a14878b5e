"""Dates and times people type: one range that every form, filter and service checks (filters pass
`validators=[date_in_range]`), and model fields that carry it, so that a model form and the service's
`full_clean()` both refuse a date outside it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 1900, 2199
OUT_OF_RANGE = _("Enter a date between %(first)s and %(last)s.")
# What a time stored outside the range before it was checked reads as: the nearest end of the range,
# which every time zone can show (the year 1 or 9999 overflows when converted to some of them).
EARLIEST = datetime.datetime(FIRST_YEAR, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(LAST_YEAR, 12, 31, 23, 59, tzinfo=datetime.UTC)


def date_in_range(value: datetime.date | datetime.datetime) -> None:
    """Refuses a date or time outside FIRST_YEAR..LAST_YEAR, a time both where it was typed and in UTC
    (where it is stored: 9999-12-31 20:00 in Los Angeles is in the year 10000 there)."""
    years = [value.year]
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        try:
            years.append(value.astimezone(datetime.UTC).year)
        except OverflowError:
            years.append(0)
    if not all(FIRST_YEAR <= year <= LAST_YEAR for year in years):
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range", params={"first": FIRST_YEAR, "last": LAST_YEAR})


class _InRange:
    """Checks the range in the model (so `full_clean()`) and in the form field a model form makes from it.
    Migrations see the plain Django field: the range is a check in Python, not in the schema."""

    default_validators = [date_in_range]

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.validators.append(date_in_range)
        return field

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, f"django.db.models.{self.plain.__name__}", args, kwargs


class DateField(_InRange, models.DateField):
    plain = models.DateField


class DateTimeField(_InRange, models.DateTimeField):
    plain = models.DateTimeField

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return min(max(value, EARLIEST), LATEST)
