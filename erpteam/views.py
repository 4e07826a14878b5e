"""Shared pieces of views: the project-scoped access mixin, form pages that call one service and the
health check."""

import sys

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.http import require_GET
from django.views.generic import FormView
from django.views.generic.base import ContextMixin
from psycopg_pool import PoolTimeout

from erpteam.celery import app as celery_app
from erpteam.permissions import Action, allows, project_membership, require


class ProjectMixin(ContextMixin):
    """Loads the project from the URL and the user's membership: 404 for outsiders, 403 when the role
    may not take `action` at all. Views acting on one module check it again with `require(...,
    module_id=...)`, which matters for roles scoped to their own modules."""

    action: Action = Action.PROJECT_VIEW

    def dispatch(self, request, *args, **kwargs):
        self.membership = project_membership(request, kwargs["project_id"])
        self.project = self.membership.project
        # A method the view does not serve is a 405 for every member, whatever their role.
        if request.method.lower() in self.http_method_names and hasattr(self, request.method.lower()):
            require(self.membership, self.action)
        return super().dispatch(request, *args, **kwargs)

    def require(self, action: Action, *, module_id: int | None = None) -> None:
        require(self.membership, action, module_id=module_id)

    def can(self, action: Action, *, module_id: int | None = None) -> bool:
        return allows(self.membership, action, module_id=module_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(project=self.project, membership=self.membership, can=PermissionsFor(self.membership))
        return context


class PermissionsFor:
    """Lets templates ask `{% if can.module_manage %}` from the policy table."""

    def __init__(self, membership):
        self.membership = membership

    def __getattr__(self, name: str) -> bool:
        try:
            action = Action(name)
        except ValueError:
            raise AttributeError(name) from None
        return allows(self.membership, action)


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names when the form has that field,
    otherwise above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceFormMixin:
    """A form whose valid submission calls one service (`perform`). A refusal is shown on the page
    with the service's message and everything typed kept; success → message and redirect."""

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if message := self.get_success_message():
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_message(self) -> str:
        return self.success_message


class ProjectFormView(ServiceFormMixin, ProjectMixin, FormView):
    """A project page with one form; `templates/projects/form.html` unless a page has its own."""

    template_name = "projects/form.html"
    section = "overview"
    page_title = ""
    intro = ""
    submit_label = _("Save")

    def get_cancel_url(self) -> str:
        return reverse("projects:detail", args=[self.project.pk])

    def get_breadcrumbs(self) -> list[tuple[str, str]]:
        """(label, link) of the pages between the project and this one."""
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=self.get_breadcrumbs(),
            section=self.section,
            page_title=self.page_title,
            intro=self.intro,
            submit_label=self.submit_label,
            cancel_url=self.get_cancel_url(),
            **kwargs,
        )


class ConfirmView(ProjectFormView):
    """A confirmation page: one button that calls the service; a refusal is shown on the page."""

    template_name = "projects/confirm.html"
    form_class = forms.Form
    danger = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(danger=self.danger, **kwargs)


def csrf_failure(request, reason: str = ""):
    """A form sent without its security token (most often a page left open past the session): the
    friendly 403 page in the app's layout, saying what to do."""
    return render(request, "403_csrf.html", status=403)


@login_not_required
@require_GET
def health(request):
    """For the load balancer and monitoring: the database and the broker answer, or 503."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "down"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "in process"
    else:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception:  # kombu raises several kinds when the broker is unreachable
            checks["broker"] = "down"
    healthy = "down" not in checks.values()
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503)


DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 5


def server_error(request):
    """The 500 handler. When the database could not serve the request in time (no pooled connection free
    within the pool's timeout, the server unreachable or restarting), a 503 that asks to try again, with a
    page that needs no database; anything else is Django's 500 page."""
    if not isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return defaults.server_error(request)
    # Without the request: its context processors would query the database again.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
