from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from erpteam.permissions import Action
from erpteam.views import ConfirmView, ProjectFormView, ProjectMixin
from modules import services
from modules.catalog import CATALOG, CATALOG_BY_CODE
from modules.exports import key_user_matrix_export
from modules.filters import ModuleFilter
from modules.forms import (
    KEY_USER_RULE,
    DeliverableForm,
    DeliverableTypeForm,
    DeliverableTypeUpdateForm,
    EndUsersAddForm,
    KeyUserAddForm,
    ModuleCreateForm,
    ModuleUpdateForm,
)
from modules.models import BusinessModule, Deliverable, DeliverableType, KeyUserAssignment, ModuleEndUser
from modules.panels import module_panels
from modules.selectors import (
    deliverable_owners,
    deliverable_types,
    module_detail,
    module_list,
    project_end_users,
    project_key_users,
)
from people.models import Membership
from people.services import person_add

PAGE_SIZE = 25


def _with_new_key_user(form, project, chosen: list[Membership]) -> list[Membership]:
    """The Key Users chosen on the form, plus the new person it describes, added to the team as a Key
    User. Call inside the transaction that uses them, so a refusal adds nobody."""
    if form.has_new_person():
        chosen = [
            *chosen,
            person_add(
                project=project,
                role=Membership.Role.KEY_USER,
                department=form.cleaned_data["department"],
                **form.new_person(),
            ),
        ]
    return chosen


class ModuleMixin:
    """Pages about one module of the project: another project's module is a 404."""

    section = "modules"

    def get_module(self) -> BusinessModule:
        if not hasattr(self, "module"):
            self.module = get_object_or_404(BusinessModule, project=self.project, pk=self.kwargs["module_id"])
        return self.module

    def get_cancel_url(self) -> str:
        return reverse("modules:detail", args=[self.project.pk, self.get_module().pk])

    def get_breadcrumbs(self):
        return [
            (_("Modules"), reverse("modules:list", args=[self.project.pk])),
            (self.get_module().name, self.get_cancel_url()),
        ]

    def get_success_url(self) -> str:
        return self.get_cancel_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(module=self.get_module(), **kwargs)


class ModuleListView(ProjectMixin, TemplateView):
    action = Action.MODULE_VIEW
    template_name = "modules/list.html"

    def get_context_data(self, **kwargs):
        filterset = ModuleFilter(
            self.request.GET or None, queryset=module_list(project=self.project), project=self.project
        )
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            section="modules", filter=filterset, page=page, query=query.urlencode(), **kwargs
        )


class ModuleCreateView(ProjectFormView):
    """Add a module by hand or from the catalog; it needs at least one Key User."""

    action = Action.MODULE_MANAGE
    template_name = "modules/create.html"
    form_class = ModuleCreateForm
    section = "modules"

    def get_initial(self):
        entry = CATALOG_BY_CODE.get(self.request.GET.get("catalog", ""))
        if entry is None:
            return {"in_scope": True}
        return {"code": entry.code, "name": str(entry.name), "description": str(entry.description), "in_scope": True}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "key_users": project_key_users(project=self.project)}

    def perform(self, form):
        data = form.cleaned_data
        with transaction.atomic():
            key_users = _with_new_key_user(form, self.project, data["chosen_key_users"])
            return services.module_create(
                project=self.project,
                code=data["code"],
                name=data["name"],
                description=data["description"],
                in_scope=data["in_scope"],
                key_users=key_users,
            )

    def get_success_message(self):
        return _("%(module)s added with its Key Users and standard deliverables.") % {"module": self.result.name}

    def get_success_url(self):
        return reverse("modules:detail", args=[self.project.pk, self.result.pk])

    def get_cancel_url(self):
        return reverse("modules:list", args=[self.project.pk])

    def get_context_data(self, **kwargs):
        taken = set(BusinessModule.objects.filter(project=self.project).values_list("code", flat=True))
        return super().get_context_data(
            catalog=[(entry, entry.code in taken) for entry in CATALOG], key_user_rule=KEY_USER_RULE, **kwargs
        )


class ModuleDetailView(ProjectMixin, TemplateView):
    """A module's page, in cards: the module, its Key Users, deliverables and end users. Other areas
    add their cards (training, issues, acceptance) through `modules.panels`."""

    action = Action.MODULE_VIEW
    template_name = "modules/detail.html"

    def get_context_data(self, **kwargs):
        module = module_detail(project=self.project, module_id=self.kwargs["module_id"])
        deliverables = list(module.deliverables.all())
        assignments = list(module.key_user_assignments.all())
        context = super().get_context_data(
            section="modules",
            module=module,
            key_user_assignments=assignments,
            has_backup=any(a.kind == KeyUserAssignment.Kind.BACKUP for a in assignments),
            end_users=list(module.end_users.all()),
            deliverables=deliverables,
            progress=_progress(deliverables),
            overdue=_overdue(deliverables, today=timezone.localdate()),
            can_update_deliverables=self.can(Action.DELIVERABLE_UPDATE, module_id=module.pk),
            key_user_rule=KEY_USER_RULE,
            **kwargs,
        )
        context.update(self.panels_context(module))
        return context

    def panels_context(self, module: BusinessModule) -> dict:
        """Context of the cards other areas add to the module page (`modules.panels`)."""
        return module_panels.context(module=module, membership=self.membership)


def _overdue(deliverables: list[Deliverable], *, today) -> set[int]:
    """Ids of deliverables past their due date and not done yet."""
    open_statuses = (Deliverable.Status.NOT_STARTED, Deliverable.Status.IN_PROGRESS)
    return {d.pk for d in deliverables if d.due_date and d.due_date < today and d.status in open_statuses}


def _progress(deliverables: list[Deliverable]) -> dict[str, int]:
    """Counts and percentages of a module's deliverables by status, for its progress bar."""
    total = len(deliverables)
    counts = {status: sum(1 for d in deliverables if d.status == status) for status in Deliverable.Status.values}
    percent = {f"{status}_percent": round(100 * n / total) if total else 0 for status, n in counts.items()}
    return {"total": total, **counts, **percent}


class ModuleUpdateView(ModuleMixin, ProjectFormView):
    action = Action.MODULE_MANAGE
    form_class = ModuleUpdateForm
    page_title = gettext_lazy("Edit the module")
    success_message = gettext_lazy("Module saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_module()}

    def perform(self, form):
        return services.module_update(module=self.get_module(), **form.cleaned_data)


class ModuleScopeView(ModuleMixin, ConfirmView):
    """Take a module out of scope, or back in (with confirmation)."""

    action = Action.MODULE_MANAGE
    danger = False

    @property
    def page_title(self):
        if self.get_module().in_scope:
            return _("Take %(module)s out of scope?") % {"module": self.get_module().name}
        return _("Bring %(module)s back into scope?") % {"module": self.get_module().name}

    @property
    def intro(self):
        if self.get_module().in_scope:
            return _(
                "The module stays in the project with its Key Users, deliverables and history, but no longer "
                "counts for readiness and go-live."
            )
        return _("The module counts again for readiness and go-live.")

    @property
    def submit_label(self):
        return _("Take out of scope") if self.get_module().in_scope else _("Bring into scope")

    def perform(self, form):
        return services.module_update(module=self.get_module(), in_scope=not self.get_module().in_scope)

    def get_success_message(self):
        if self.result.in_scope:
            return _("%(module)s is in scope again.") % {"module": self.result.name}
        return _("%(module)s is out of scope.") % {"module": self.result.name}


class ModuleDeleteView(ModuleMixin, ConfirmView):
    action = Action.MODULE_MANAGE
    submit_label = gettext_lazy("Delete the module")

    @property
    def page_title(self):
        return _("Delete %(module)s?") % {"module": self.get_module().name}

    @property
    def intro(self):
        return _(
            "The module, its Key User assignments, end users and deliverables are deleted. To keep them, take the "
            "module out of scope instead."
        )

    def perform(self, form):
        name = self.get_module().name
        services.module_delete(module=self.get_module())
        return name

    def get_success_message(self):
        return _("%(module)s deleted.") % {"module": self.result}

    def get_success_url(self):
        return reverse("modules:list", args=[self.project.pk])


class KeyUserAddView(ModuleMixin, ProjectFormView):
    action = Action.MODULE_MANAGE
    form_class = KeyUserAddForm
    template_name = "modules/key_user_add.html"

    @property
    def page_title(self):
        return _("Add a Key User to %(module)s") % {"module": self.get_module().name}

    def get_form_kwargs(self):
        available = project_key_users(project=self.project).exclude(key_user_assignments__module=self.get_module())
        return {**super().get_form_kwargs(), "key_users": available}

    def perform(self, form):
        data = form.cleaned_data
        with transaction.atomic():
            chosen = [data["membership"]] if data["membership"] else []
            (membership,) = _with_new_key_user(form, self.project, chosen)
            return services.key_user_assign(module=self.get_module(), membership=membership, kind=data["kind"])

    def get_success_message(self):
        return _("%(person)s is now %(kind)s Key User of %(module)s.") % {
            "person": self.result.membership.user.display_name,
            "kind": self.result.get_kind_display().lower(),
            "module": self.get_module().name,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(key_user_rule=KEY_USER_RULE, **kwargs)


class AssignmentMixin(ModuleMixin):
    def get_assignment(self) -> KeyUserAssignment:
        return get_object_or_404(
            KeyUserAssignment.objects.select_related("membership__user", "module"),
            module=self.get_module(),
            pk=self.kwargs["assignment_id"],
        )


class KeyUserPrimaryView(AssignmentMixin, ProjectMixin, View):
    """Make a backup Key User the module's primary one (the current primary becomes a backup)."""

    action = Action.MODULE_MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        assignment = self.get_assignment()
        try:
            services.key_user_assignment_update(
                assignment=assignment, membership=assignment.membership, kind=KeyUserAssignment.Kind.PRIMARY
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(person)s is now the primary Key User of %(module)s.")
                % {"person": assignment.membership.user.display_name, "module": assignment.module.name},
            )
        return redirect(self.get_success_url())


class KeyUserRemoveView(AssignmentMixin, ConfirmView):
    """Remove a Key User from a module: refused, with the reason, for its last Key User."""

    action = Action.MODULE_MANAGE
    submit_label = gettext_lazy("Remove")

    @property
    def page_title(self):
        return _("Remove %(person)s as Key User of %(module)s?") % {
            "person": self.get_assignment().membership.user.display_name,
            "module": self.get_module().name,
        }

    @property
    def intro(self):
        return _("%(rule)s A backup Key User takes over as primary.") % {"rule": KEY_USER_RULE}

    def perform(self, form):
        assignment = self.get_assignment()
        services.key_user_unassign(assignment=assignment)
        return assignment

    def get_success_message(self):
        return _("%(person)s is no longer a Key User of %(module)s.") % {
            "person": self.result.membership.user.display_name,
            "module": self.get_module().name,
        }


class EndUsersAddView(ModuleMixin, ProjectFormView):
    action = Action.MODULE_MANAGE
    form_class = EndUsersAddForm

    @property
    def page_title(self):
        return _("End users of %(module)s") % {"module": self.get_module().name}

    intro = gettext_lazy("End users who work in the module; they must be trained for it before go-live.")
    submit_label = gettext_lazy("Add")

    def get_form_kwargs(self):
        available = project_end_users(project=self.project).exclude(end_user_modules__module=self.get_module())
        return {**super().get_form_kwargs(), "end_users": available}

    def perform(self, form):
        chosen = form.cleaned_data["memberships"]
        return services.module_end_users_add(pairs=[(self.get_module(), membership) for membership in chosen])

    def get_success_message(self):
        return _("%(n)s end users added.") % {"n": len(self.result)}


class EndUserRemoveView(ModuleMixin, ProjectMixin, View):
    action = Action.MODULE_MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        end_user = get_object_or_404(
            ModuleEndUser.objects.select_related("membership__user"),
            module=self.get_module(),
            pk=self.kwargs["end_user_id"],
        )
        services.module_end_user_remove(end_user=end_user)
        messages.success(
            request,
            _("%(person)s no longer works in %(module)s.")
            % {"person": end_user.membership.user.display_name, "module": self.get_module().name},
        )
        return redirect(self.get_success_url())


class DeliverableUpdateView(ModuleMixin, ProjectFormView):
    """Key Users update the deliverables of their own modules; consultants update all."""

    action = Action.DELIVERABLE_UPDATE
    form_class = DeliverableForm
    success_message = gettext_lazy("Deliverable saved.")

    def get_deliverable(self) -> Deliverable:
        """The deliverable, once the member is known to be allowed on its module (a Key User on their
        own modules only). Every request reaches it through `get_form_kwargs`."""
        if not hasattr(self, "deliverable"):
            self.deliverable = get_object_or_404(
                Deliverable.objects.select_related("signed_off_by"),
                module=self.get_module(),
                pk=self.kwargs["deliverable_id"],
            )
            self.require(Action.DELIVERABLE_UPDATE, module_id=self.deliverable.module_id)
        return self.deliverable

    @property
    def page_title(self):
        return f"{self.get_deliverable().name} · {self.get_module().name}"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_deliverable(),
            "owners": deliverable_owners(project=self.project),
        }

    def perform(self, form):
        return services.deliverable_update(
            deliverable=self.get_deliverable(), acting_user=self.request.user, **form.cleaned_data
        )


class DeliverableTypeListView(ProjectFormView):
    """The project's standard deliverables: every member who sees modules reads them; consultants
    change them."""

    action = Action.MODULE_VIEW
    template_name = "modules/deliverable_types.html"
    form_class = DeliverableTypeForm
    section = "modules"
    success_message = gettext_lazy("Standard deliverable added.")

    def post(self, request, *args, **kwargs):
        self.require(Action.MODULE_MANAGE)
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.deliverable_type_create(project=self.project, **form.cleaned_data)

    def get_success_url(self):
        return reverse("modules:deliverable_types", args=[self.project.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(deliverable_types=deliverable_types(project=self.project), **kwargs)


class DeliverableTypeUpdateView(ProjectFormView):
    action = Action.MODULE_MANAGE
    form_class = DeliverableTypeUpdateForm
    section = "modules"
    page_title = gettext_lazy("Edit a standard deliverable")
    intro = gettext_lazy("Modules created from now on use the new values; existing deliverables keep theirs.")
    success_message = gettext_lazy("Standard deliverable saved.")

    def get_form_kwargs(self):
        deliverable_type = get_object_or_404(DeliverableType, project=self.project, pk=self.kwargs["type_id"])
        return {**super().get_form_kwargs(), "instance": deliverable_type}

    def perform(self, form):
        return services.deliverable_type_update(deliverable_type=form.instance, **form.cleaned_data)

    def get_success_url(self):
        return reverse("modules:deliverable_types", args=[self.project.pk])

    get_cancel_url = get_success_url

    def get_breadcrumbs(self):
        return [
            (_("Modules"), reverse("modules:list", args=[self.project.pk])),
            (_("Standard deliverables"), self.get_success_url()),
        ]


class KeyUserMatrixExportView(ProjectMixin, View):
    """The module × Key User matrix as CSV or XLSX: one row per module, one column per Key User."""

    action = Action.MODULE_VIEW
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return key_user_matrix_export(project=self.project).response(file_format=request.GET.get("format", "csv"))
