"""factory_boy factories. Modules are made through the service, so they always have a Key User."""

import datetime
import itertools

import factory

from modules import services as module_services
from people.models import Membership, User
from projects.models import Project

PASSWORD = "correct-horse-battery"
_module_numbers = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"prj-{n}")
    name = factory.Sequence(lambda n: f"Rollout {n}")
    client = "Acme Manufacturing"
    erp_product = "SAP S/4HANA"
    phase = Project.Phase.REALIZE
    start_date = datetime.date(2026, 1, 5)
    target_go_live = datetime.date(2027, 1, 4)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    project = factory.SubFactory(ProjectFactory)
    role = Membership.Role.END_USER
    department = "Operations"


def module_make(*, project: Project, key_users: list[Membership] | None = None, code: str | None = None, **fields):
    """A module created the way the app creates it: with at least one Key User."""
    if key_users is None:
        key_users = [MembershipFactory(project=project, role=Membership.Role.KEY_USER)]
    code = code or f"mod-{next(_module_numbers)}"
    return module_services.module_create(
        project=project, code=code, name=fields.pop("name", code.upper()), key_users=key_users, **fields
    )
