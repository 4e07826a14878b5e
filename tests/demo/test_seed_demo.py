import pytest
from django.core.management import call_command
from django.urls import reverse

from modules.models import BusinessModule, KeyUserAssignment
from people.models import Membership, User
from projects.models import Project

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ["consultant", "techconsultant", "keyuser", "ituser", "enduser", "manager"]


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Project, User, Membership, BusinessModule, KeyUserAssignment))


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first


def test_if_empty_leaves_an_existing_database_alone(team):
    before = counts()
    call_command("seed_demo", "--if-empty")
    assert counts() == before


def test_every_module_of_the_demo_has_a_key_user():
    call_command("seed_demo")
    assert not BusinessModule.objects.exclude(key_user_assignments__isnull=False).exists()


@pytest.mark.parametrize("username", DEMO_LOGINS)
def test_each_demo_login_sees_the_demo_project(client, username):
    call_command("seed_demo")
    assert client.login(username=username, password="erpteam-demo")
    project = Project.objects.get(code="hdpm-s4")
    assert project.name in client.get(reverse("home")).content.decode()
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200


def test_the_admin_login_is_a_superuser():
    call_command("seed_demo")
    assert User.objects.get(username="admin").is_superuser


def test_the_chinese_demo_has_chinese_names():
    call_command("seed_demo", "--lang", "zh-hans")
    assert Project.objects.get(code="hdpm-s4").client == "华东精密机械有限公司"
    assert User.objects.get(username="keyuser").display_name == "李伟"
