"""The home page: each person's own work, project by project (nearest go-live first), as their role
in that project sees it, with each project's readiness as of its latest snapshot."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from erpteam.views import PermissionsFor
from people.models import Membership
from projects.selectors import user_may_create_projects
from readiness.selectors import portfolio
from workspaces.homes import workspace

Role = Membership.Role
BLOCK_TEMPLATES = {
    Role.APP_CONSULTANT: "workspaces/_consultant.html",
    Role.TECH_CONSULTANT: "workspaces/_consultant.html",
    Role.KEY_USER: "workspaces/_key_user.html",
    Role.IT_USER: "workspaces/_it_user.html",
    Role.END_USER: "workspaces/_end_user.html",
    Role.MANAGER: "workspaces/_manager.html",
}


@require_GET
def home(request):
    now = timezone.now()
    memberships = portfolio(user=request.user)
    blocks = workspace(memberships=memberships, now=now)
    groups = [
        {
            "membership": membership,
            "project": membership.project,
            "can": PermissionsFor(membership),
            "block": blocks[membership.pk],
            "template": BLOCK_TEMPLATES[membership.role],
            "days_to_go_live": (membership.project.target_go_live - timezone.localdate(now)).days,
        }
        for membership in memberships
    ]
    return render(
        request,
        "workspaces/home.html",
        {
            "groups": groups,
            "today": timezone.localdate(now),
            "may_create_projects": user_may_create_projects(user=request.user),
        },
    )
