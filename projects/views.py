from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from erpteam.views import ProjectMixin
from projects.selectors import memberships_for_user, project_modules


@require_GET
def home(request):
    return render(request, "projects/home.html", {"memberships": memberships_for_user(user=request.user)})


class ProjectDetailView(ProjectMixin, TemplateView):
    template_name = "projects/detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(modules=project_modules(project=self.project), **kwargs)
