"""A module's outcome in a cycle: the Key User's sign-off, a consultant's exception, and withdrawing either."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from acceptance import selectors, services
from acceptance.forms import (
    ExceptionForm,
)
from acceptance.views.cycles import CycleMixin
from erpteam.permissions import Action
from erpteam.views import ConfirmView
from modules.models import BusinessModule


class CycleModuleMixin(CycleMixin):
    @cached_property
    def module(self) -> BusinessModule:
        return get_object_or_404(BusinessModule, project=self.project, pk=self.kwargs["module_pk"])

    def back(self):
        return redirect("acceptance:cycle_detail", project_id=self.project.pk, pk=self.cycle.pk)


class SignOffView(CycleModuleMixin, View):
    action = Action.ACCEPTANCE_SIGN_OFF

    def post(self, request, *args, **kwargs):
        module = self.module
        self.require(Action.ACCEPTANCE_SIGN_OFF, module_id=module.pk)
        try:
            services.sign_off_create(cycle=self.cycle, module=module, signed_by=self.membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(module)s signed off in %(cycle)s.") % {"module": module.name, "cycle": self.cycle.name}
            )
        return self.back()


class ExceptionCreateView(CycleModuleMixin, FormView):
    action = Action.ACCEPTANCE_EXCEPTION
    template_name = "acceptance/exception_form.html"
    form_class = ExceptionForm

    def get_context_data(self, **kwargs):
        module = self.module
        return super().get_context_data(
            cycle=self.cycle,
            module=module,
            blocking=list(selectors.blocking_defects(cycle=self.cycle, module=module)),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.exception_create(
                cycle=self.cycle, module=self.module, consultant=self.membership, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Exception recorded: the Key User may now sign off."))
        return self.back()


class WithdrawView(CycleModuleMixin, ConfirmView):
    """Take back what was recorded for a module in a cycle (its sign-off, or an accepted exception):
    a confirmation page; the service's refusal is shown on it."""

    section = "acceptance"
    submit_label = gettext_lazy("Withdraw")

    def get_form(self, form_class=None):
        self.require(self.action, module_id=self.module.pk)
        return super().get_form(form_class)

    def get_cancel_url(self) -> str:
        return reverse("acceptance:cycle_detail", args=[self.project.pk, self.cycle.pk])

    get_success_url = get_cancel_url

    def get_breadcrumbs(self):
        return [
            (_("Acceptance"), reverse("acceptance:cycle_list", args=[self.project.pk])),
            (self.cycle.name, self.get_cancel_url()),
        ]


class SignOffWithdrawView(WithdrawView):
    action = Action.ACCEPTANCE_SIGN_OFF

    @property
    def page_title(self):
        return _("Withdraw the sign-off of %(module)s in %(cycle)s?") % {
            "module": self.module.name,
            "cycle": self.cycle.name,
        }

    intro = gettext_lazy(
        "The module counts as not signed off in this cycle again, on the acceptance page and for readiness. "
        "The audit trail keeps who signed it off and when. Sign it off again once it is accepted."
    )

    def perform(self, form):
        return services.sign_off_withdraw(cycle=self.cycle, module=self.module, by=self.membership)

    def get_success_message(self):
        return _("The sign-off of %(module)s is withdrawn.") % {"module": self.module.name}


class ExceptionWithdrawView(WithdrawView):
    action = Action.ACCEPTANCE_EXCEPTION

    @property
    def page_title(self):
        return _("Withdraw the exception for %(module)s in %(cycle)s?") % {
            "module": self.module.name,
            "cycle": self.cycle.name,
        }

    intro = gettext_lazy(
        "Open S1/S2 defects block the module's sign-off in this cycle again. The audit trail keeps the exception "
        "and its reason."
    )

    def perform(self, form):
        return services.exception_withdraw(cycle=self.cycle, module=self.module, consultant=self.membership)

    def get_success_message(self):
        return _("The exception for %(module)s is withdrawn.") % {"module": self.module.name}
