"""Shared pieces of views: the project-scoped access mixin."""

from django.views.generic.base import ContextMixin

from erpteam.permissions import Action, allows, project_membership, require


class ProjectMixin(ContextMixin):
    """Loads the project from the URL and the user's membership: 404 for outsiders, 403 when the role
    may not take `action` at all. Views acting on one module check it again with `require(...,
    module_id=...)`, which matters for roles scoped to their own modules."""

    action: Action = Action.PROJECT_VIEW

    def dispatch(self, request, *args, **kwargs):
        self.membership = project_membership(request.user, kwargs["project_id"])
        self.project = self.membership.project
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
