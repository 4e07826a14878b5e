import pytest

from people.models import Membership
from tests.acceptance.factories import cycle_make, scenario_make

Role = Membership.Role


@pytest.fixture
def key_user(team) -> Membership:
    return team.members[Role.KEY_USER]


@pytest.fixture
def end_user(team) -> Membership:
    return team.members[Role.END_USER]


@pytest.fixture
def consultant(team) -> Membership:
    return team.members[Role.APP_CONSULTANT]


@pytest.fixture
def scenario(team):
    """A three-step scenario of Finance, the Key User's module."""
    return scenario_make(module=team.module, reference="FIN-010")


@pytest.fixture
def cycle(team, scenario):
    """A UAT cycle with the Finance scenario planned in it."""
    return cycle_make(project=team.project, scenarios=[scenario], name="UAT 1")
