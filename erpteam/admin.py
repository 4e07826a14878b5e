"""Shared pieces of the Django admin."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect


class ServiceAdminMixin:
    """For admins whose writes go through services: a change the service refuses is rolled back
    (the admin view runs in a transaction) and its message shown, exactly as on the app's pages."""

    def _refused(self, request, error: ValidationError):
        self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as error:
            return self._refused(request, error)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except ValidationError as error:
            return self._refused(request, error)

    def changelist_view(self, request, *args, **kwargs):
        try:
            return super().changelist_view(request, *args, **kwargs)
        except ValidationError as error:
            return self._refused(request, error)
