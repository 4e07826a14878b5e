"""Personas and shared fixtures. Factories live in tests/factories.py."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from erpteam.celery import app as celery_app
from people.models import Membership, User
from projects.models import Project
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, UserFactory, module_make

Role = Membership.Role
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run in process in tests, whatever REDIS_URL says; the outbox tests turn this off."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (Redis keeps one between tests, and between runs)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.AXES_ENABLED = False  # the throttling test turns it back on
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class Team:
    """A project with one member in each role, a module owned by the Key User, and an outsider who
    belongs to another project (with its own module)."""

    project: Project
    members: dict[str, Membership]
    module: object
    other_project: Project
    other_module: object
    outsider: User
    staff: User

    def user(self, role: str) -> User:
        return self.members[role].user

    def client_for(self, who: str) -> Client:
        client = Client()
        if who == "anonymous":
            return client
        user = {"outsider": self.outsider, "staff": self.staff}.get(who) or self.user(who)
        client.force_login(user)
        return client


@pytest.fixture
def team(db) -> Team:
    return team_make()


def team_make() -> Team:
    """The `team` fixture's content, also for `world`, which is built once per test module."""
    project = ProjectFactory(code="demo", name="Demo rollout")
    usernames = {
        Role.APP_CONSULTANT: "consultant",
        Role.TECH_CONSULTANT: "techconsultant",
        Role.KEY_USER: "keyuser",
        Role.IT_USER: "ituser",
        Role.END_USER: "enduser",
        Role.MANAGER: "manager",
    }
    members = {
        role: MembershipFactory(project=project, role=role, user=UserFactory(username=username))
        for role, username in usernames.items()
    }
    module = module_make(project=project, code="fin", name="Finance", key_users=[members[Role.KEY_USER]])
    other_project = ProjectFactory(code="other", name="Other rollout")
    outsider_membership = MembershipFactory(
        project=other_project, role=Role.KEY_USER, user=UserFactory(username="outsider")
    )
    other_module = module_make(project=other_project, code="wh", name="Warehouse", key_users=[outsider_membership])
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    return Team(project, members, module, other_project, other_module, outsider_membership.user, staff)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The team and every app's objects of the permission matrix (tests/matrix.py), built once for a whole
    test module (building them is much of the cost of a route's cases) in a transaction rolled back after
    the module; each test runs in a savepoint inside it. Use it through `world`."""
    from tests.matrix import build_world

    media = tmp_path_factory.mktemp("world-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        world = build_world(team_make())
        world.media_root = media
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db, settings):
    settings.MEDIA_ROOT = shared_world.media_root  # where the world's files (materials, screenshots) are
    return shared_world
