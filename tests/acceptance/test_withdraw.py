"""Taking back a module's sign-off or an accepted exception: by whom, when it is refused, and what the
cycle page, readiness and the audit trail then show."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from acceptance import selectors, services
from acceptance.models import AcceptanceException, ModuleSignOff, Result
from issues.models import Issue
from people.models import Membership
from tests.acceptance.factories import run_make

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def signed_off(cycle, team, key_user):
    run_make(
        cycle=cycle, scenario=cycle.planned.get().scenario, tester=key_user, results=[Result.PASSED] * 3, finish=True
    )
    return services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)


@pytest.fixture
def excepted(cycle, team, key_user, consultant):
    """An open S1 defect of the cycle, and the consultant's exception that lets the module be signed off."""
    run = run_make(
        cycle=cycle, scenario=cycle.planned.get().scenario, tester=key_user, results=[Result.FAILED], finish=True
    )
    services.defect_raise(step_result=run.step_results.get(order=1), severity=Issue.Severity.S1, reporter=key_user)
    return services.exception_create(cycle=cycle, module=team.module, consultant=consultant, reason="Workaround agreed")


def url(name: str, team, cycle) -> str:
    return reverse(f"acceptance:{name}", args=[team.project.pk, cycle.pk, team.module.pk])


def test_the_key_user_withdraws_the_sign_off_and_readiness_sees_the_module_unsigned(cycle, team, key_user, signed_off):
    assert selectors.module_acceptance_status(project=team.project)[team.module.pk].signed_off
    services.sign_off_withdraw(cycle=cycle, module=team.module, by=key_user)
    assert not ModuleSignOff.objects.exists()
    assert not selectors.module_acceptance_status(project=team.project)[team.module.pk].signed_off
    with pytest.raises(ValidationError, match="Finance is not signed off in UAT 1"):
        services.sign_off_withdraw(cycle=cycle, module=team.module, by=key_user)
    assert services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)  # and signs off again


@pytest.mark.parametrize("role", [Role.APP_CONSULTANT, Role.MANAGER, Role.END_USER])
def test_only_a_key_user_of_the_module_withdraws_its_sign_off(cycle, team, signed_off, role):
    with pytest.raises(ValidationError, match="is not a Key User of Finance"):
        services.sign_off_withdraw(cycle=cycle, module=team.module, by=team.members[role])
    assert ModuleSignOff.objects.get() == signed_off


def test_the_exception_is_withdrawn_by_a_consultant_and_blocks_the_sign_off_again(cycle, team, key_user, excepted):
    with pytest.raises(ValidationError, match="Only a consultant records or withdraws"):
        services.exception_withdraw(cycle=cycle, module=team.module, consultant=key_user)
    services.exception_withdraw(cycle=cycle, module=team.module, consultant=team.members[Role.TECH_CONSULTANT])
    assert not AcceptanceException.objects.exists()
    with pytest.raises(ValidationError, match="cannot be signed off"):
        services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)


def test_an_exception_a_sign_off_rests_on_is_not_withdrawn_until_the_sign_off_is(
    cycle, team, key_user, consultant, excepted
):
    services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)
    with pytest.raises(ValidationError, match="its Key User withdraws the sign-off first"):
        services.exception_withdraw(cycle=cycle, module=team.module, consultant=consultant)
    assert AcceptanceException.objects.get() == excepted
    services.sign_off_withdraw(cycle=cycle, module=team.module, by=key_user)
    services.exception_withdraw(cycle=cycle, module=team.module, consultant=consultant)
    assert not AcceptanceException.objects.exists()


def test_the_cycle_page_offers_each_withdrawal_to_whom_may_make_it(cycle, team, excepted):
    page = reverse("acceptance:cycle_detail", args=[team.project.pk, cycle.pk])
    assert url("exception_withdraw", team, cycle) in team.client_for(Role.APP_CONSULTANT).get(page).content.decode()
    assert url("exception_withdraw", team, cycle) not in team.client_for(Role.KEY_USER).get(page).content.decode()
    services.sign_off_create(cycle=cycle, module=team.module, signed_by=team.members[Role.KEY_USER])
    assert url("sign_off_withdraw", team, cycle) in team.client_for(Role.KEY_USER).get(page).content.decode()
    consultant_page = team.client_for(Role.APP_CONSULTANT).get(page).content.decode()
    assert url("sign_off_withdraw", team, cycle) not in consultant_page
    assert url("exception_withdraw", team, cycle) not in consultant_page  # the sign-off may rest on it


def test_withdrawing_on_the_page_confirms_then_says_so_and_the_audit_trail_keeps_the_sign_off(cycle, team, signed_off):
    client = team.client_for(Role.KEY_USER)
    confirm = client.get(url("sign_off_withdraw", team, cycle))
    assert "Withdraw the sign-off of Finance in UAT 1?" in confirm.content.decode()
    response = client.post(url("sign_off_withdraw", team, cycle), follow=True)
    assert "The sign-off of Finance is withdrawn." in response.content.decode()
    assert not ModuleSignOff.objects.exists()

    trail = team.client_for(Role.MANAGER).get(reverse("audit:list", args=[team.project.pk]), {"kind": "sign_off"})
    deleted, created = trail.context["page"].object_list
    assert (deleted.action, deleted.who) == ("-", team.user(Role.KEY_USER).display_name)
    assert created.action == "+"


def test_a_refused_withdrawal_is_shown_on_the_page(cycle, team):
    response = team.client_for(Role.KEY_USER).post(url("sign_off_withdraw", team, cycle))
    assert response.status_code == 200
    assert "Finance is not signed off in UAT 1." in response.content.decode()


def test_a_key_user_of_another_module_may_not_open_the_page(cycle, team):
    other = Membership.objects.create(project=team.project, role=Role.KEY_USER, user=team.outsider)
    client = team.client_for("outsider")
    assert other.is_active
    assert client.get(url("sign_off_withdraw", team, cycle)).status_code == 403
