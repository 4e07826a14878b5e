"""Issues fixtures: a maker that logs issues through the service (on the team's Finance module, by its
Key User, for the team's end user), a tiny PNG, and uploads kept out of the project's media folder."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from issues import services
from issues.models import Issue
from people.models import Membership

Role = Membership.Role
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def png():
    def make(name: str = "screen.png") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, PNG, content_type="image/png")

    return make


@pytest.fixture
def member(team):
    """The team's member in a role: `member("key_user")`."""
    return lambda role: team.members[role]


@pytest.fixture
def issue_make(team):
    def make(**fields) -> Issue:
        values = {
            "module": team.module,
            "title": "Posting period is closed",
            "description": "Invoice posting fails with F5 201.",
            "category": Issue.Category.DEFECT,
            "severity": Issue.Severity.S2,
            "reporter": team.members[Role.KEY_USER],
            "affected_end_user": team.members[Role.END_USER],
        }
        values.update(fields)
        return services.issue_create(**values)

    return make
