"""What every acceptance page shares: the section's mixin (who plans cycles, starts and records runs,
writes scenarios) and small request helpers."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet

from acceptance.models import TestRun
from erpteam.permissions import Action, Scope, scope_of
from erpteam.views import ProjectMixin
from modules.models import BusinessModule
from people.models import Membership

Role = Membership.Role
TESTER_ROLES = (Role.APP_CONSULTANT, Role.TECH_CONSULTANT, Role.KEY_USER, Role.END_USER)


def paginate(request, queryset: QuerySet, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def requested_format(request) -> str:
    return "xlsx" if request.GET.get("format") == "xlsx" else "csv"


class AcceptanceMixin(ProjectMixin):
    action = Action.ACCEPTANCE_VIEW
    tab = "cycles"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(section="acceptance", tab=self.tab, plans_cycles=self.plans_cycles(), query=query.urlencode())
        return context

    def plans_cycles(self) -> bool:
        """Cycles are the project's plan: consultants write them (Key Users write their scenarios)."""
        return scope_of(self.membership, Action.ACCEPTANCE_WRITE) == Scope.ALL

    def require_cycle_planning(self) -> None:
        if not self.plans_cycles():
            raise PermissionDenied

    def starts_runs(self, module_id: int | None = None) -> bool:
        """Starting a run (and naming its tester) is for consultants and the module's Key Users; end
        users record the runs they are named in."""
        if scope_of(self.membership, Action.ACCEPTANCE_RUN) not in (Scope.ALL, Scope.OWN_MODULES):
            return False
        return module_id is None or self.can(Action.ACCEPTANCE_RUN, module_id=module_id)

    def records(self, run: TestRun) -> bool:
        """Who records a run's steps: consultants, the module's Key Users, and an end user named its tester."""
        if scope_of(self.membership, Action.ACCEPTANCE_RUN) == Scope.OWN:
            return run.tester_id == self.membership.pk
        return self.can(Action.ACCEPTANCE_RUN, module_id=run.scenario.module_id)

    def writable_modules(self) -> QuerySet[BusinessModule]:
        modules = BusinessModule.objects.filter(project=self.project).order_by("name")
        if scope_of(self.membership, Action.ACCEPTANCE_WRITE) == Scope.OWN_MODULES:
            modules = modules.filter(key_user_assignments__membership=self.membership)
        return modules
