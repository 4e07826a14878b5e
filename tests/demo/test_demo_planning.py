"""The demo's plan: phase history, end users in modules, deliverables in various states, and a second
rollout where the same people hold other roles."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from modules.models import Deliverable, ModuleEndUser
from people.models import Membership
from projects.models import PhaseChange, Project

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def seeded():
    call_command("seed_demo")


def test_the_demo_has_deliverables_in_every_state(seeded):
    statuses = set(Deliverable.objects.filter(module__project__code="hdpm-s4").values_list("status", flat=True))
    assert statuses == set(Deliverable.Status.values)
    signed = Deliverable.objects.filter(status="signed_off").first()
    assert signed.signed_off_by.username == "consultant"
    assert signed.signed_off_at


def test_the_demo_has_end_users_in_their_modules_and_a_phase_history(seeded):
    assert (
        ModuleEndUser.objects.filter(module__project__code="hdpm-s4", membership__user__username="enduser").count() == 2
    )
    history = PhaseChange.objects.filter(project__code="hdpm-s4").order_by("changed_at")
    assert [(c.from_phase, c.to_phase) for c in history] == [
        ("", "prepare"),
        ("prepare", "explore"),
        ("explore", "realize"),
    ]


def test_the_second_rollout_gives_the_same_people_other_roles(seeded):
    second = Project.objects.get(code="hdpm-sz")
    assert second.phase == Project.Phase.EXPLORE
    roles = dict(Membership.objects.filter(project=second).values_list("user__username", "role"))
    assert (roles["consultant"], roles["manager"], roles["keyuser"]) == (
        Role.APP_CONSULTANT,
        Role.MANAGER,
        Role.END_USER,
    )
    assert Membership.objects.get(project__code="hdpm-s4", user__username="keyuser").role == Role.KEY_USER
    assert not second.modules.exclude(key_user_assignments__isnull=False).exists()


def test_the_consultant_sees_both_rollouts_with_a_role_in_each(seeded, client):
    client.login(username="keyuser", password="erpteam-demo")
    page = client.get(reverse("home")).content.decode()
    assert "Huadong Precision S/4HANA rollout" in page
    assert "Huadong Precision Suzhou plant rollout" in page
    assert "Key User" in page
    assert "End user" in page


def test_the_planning_step_is_idempotent(seeded):
    def state():
        return (
            sorted(Deliverable.objects.values_list("pk", "status", "signed_off_at")),
            ModuleEndUser.objects.count(),
            PhaseChange.objects.count(),
            Project.objects.count(),
        )

    before = state()
    call_command("seed_demo")
    assert state() == before
