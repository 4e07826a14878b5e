from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from erpteam.permissions import Action
from erpteam.views import ProjectFormView, ProjectMixin, ServiceFormMixin
from people.selectors import role_counts
from projects import services
from projects.forms import PhaseChangeForm, ProjectCreateForm, ProjectUpdateForm
from projects.panels import project_panels
from projects.selectors import (
    phase_history,
    user_may_create_projects,
)


class ProjectDetailView(ProjectMixin, TemplateView):
    """The project overview: phase, dates, modules and their Key Users, deliverables, team, history."""

    template_name = "projects/detail.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        phases = list(self.project.Phase)
        return super().get_context_data(
            section="overview",
            roles=role_counts(project=self.project),
            history=phase_history(project=self.project)[:6],
            phases=phases,
            phase_index=phases.index(self.project.phase),
            days_to_go_live=(self.project.target_go_live - today).days,
            **project_panels.context(project=self.project, today=today),
            **kwargs,
        )


class ProjectCreateView(ServiceFormMixin, FormView):
    """Start a new rollout; open to anyone who plans a project already, and to staff. For everyone
    else the page does not exist."""

    template_name = "projects/create.html"
    form_class = ProjectCreateForm

    def dispatch(self, request, *args, **kwargs):
        if not user_may_create_projects(user=request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.project_create(created_by=self.request.user, **form.cleaned_data)

    def get_success_message(self):
        return _("Project %(name)s created. Next: add its business modules and its team.") % {"name": self.result.name}

    def get_success_url(self):
        return reverse("modules:list", args=[self.result.pk])


class ProjectUpdateView(ProjectFormView):
    action = Action.PROJECT_PLAN
    form_class = ProjectUpdateForm
    page_title = _("Edit the project")
    success_message = _("Project saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.project}

    def perform(self, form):
        return services.project_update(project=self.project, **form.cleaned_data)

    def get_success_url(self):
        return reverse("projects:detail", args=[self.project.pk])


class PhaseChangeView(ProjectFormView):
    action = Action.PROJECT_PLAN
    template_name = "projects/phase_change.html"
    form_class = PhaseChangeForm
    page_title = _("Change the phase")
    intro = _("The change is recorded in the project's history with your name, the time and your note.")
    submit_label = _("Change the phase")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "initial": {"to_phase": self._next_phase()}}

    def _next_phase(self):
        phases = list(self.project.Phase)
        return phases[min(phases.index(self.project.phase) + 1, len(phases) - 1)]

    def perform(self, form):
        return services.project_phase_change(project=self.project, changed_by=self.request.user, **form.cleaned_data)

    def get_success_message(self):
        return _("The project is now in the %(phase)s phase.") % {"phase": self.result.get_to_phase_display()}

    def get_success_url(self):
        return reverse("projects:detail", args=[self.project.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(history=phase_history(project=self.project), **kwargs)
