from notifications import services
from notifications.models import Notification
from people.models import Membership
from tests.matrix import ALL_ROLES, Route

Role = Membership.Role


def objects(team):
    (notification,) = services.notify(
        recipients=[team.user(Role.KEY_USER)],
        kind=Notification.Kind.ASSIGNED,
        event_key="matrix",
        subject="Issue assigned",
        url=f"/p/{team.project.pk}/",
        project=team.project,
    )
    return {"notification": (notification, notification)}


ROUTES = {
    "notifications:list": Route(get=ALL_ROLES, project_scoped=False),
    "notifications:open": Route(
        kwargs=lambda world, which: {"pk": world.obj("notification", which).pk},
        get=ALL_ROLES,
        project_scoped=False,
        owners=frozenset({Role.KEY_USER}),
    ),
    "notifications:read_all": Route(get=None, post=ALL_ROLES, project_scoped=False),
    "my_settings": Route(get=ALL_ROLES, post=ALL_ROLES, project_scoped=False),
}
