"""The home page: each person's own work, project by project (nearest go-live first), as their role
in that project sees it, with each project's readiness as of its latest snapshot."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from erpteam.views import PermissionsFor
from people.models import Membership
from projects.selectors import portfolio, user_may_create_projects
from projects.workspace import workspace

Role = Membership.Role
BLOCK_TEMPLATES = {
    Role.APP_CONSULTANT: "projects/workspace/_consultant.html",
    Role.TECH_CONSULTANT: "projects/workspace/_consultant.html",
    Role.KEY_USER: "projects/workspace/_key_user.html",
    Role.IT_USER: "projects/workspace/_it_user.html",
    Role.END_USER: "projects/workspace/_end_user.html",
    Role.MANAGER: "projects/workspace/_manager.html",
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
        "projects/home.html",
        {
            "groups": groups,
            "today": timezone.localdate(now),
            "may_create_projects": user_may_create_projects(user=request.user),
        },
    )
