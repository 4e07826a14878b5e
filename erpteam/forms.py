"""Form fields every app shares."""

from django import forms
from django.core.exceptions import ValidationError

BIGINT = range(-(2**63), 2**63)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id no database column can hold as an invalid choice (SQLite raises on one
    instead of finding nothing)."""

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if str(pk).lstrip("-").isdigit() and int(pk) not in BIGINT:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)
