"""Uploads are limited in size and type and never come back as a page: a web page or an SVG passed off
as a screenshot is refused, one passed off as training material is only ever a download that no browser
renders, and what an import file says is shown as text. Every route's responses are checked for these
headers in the permission matrix as well (`unsafe_response`)."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse

from acceptance import models as acceptance
from issues import services as issue_services
from issues.models import Attachment, Issue
from people.models import Membership, RosterImport
from tests.team.conftest import csv_bytes
from tests.training.conftest import session_make
from training.models import TrainingSession

pytestmark = pytest.mark.django_db

Role = Membership.Role

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4 minutes"
PAGE = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SCRIPT = "<script>alert(1)</script>"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def issue(team) -> Issue:
    return issue_services.issue_create(
        module=team.module,
        title="Posting fails",
        description="",
        category=Issue.Category.DEFECT,
        severity=Issue.Severity.S2,
        reporter=team.members[Role.KEY_USER],
    )


def attach(team, issue, name: str, content: bytes):
    return team.client_for(Role.KEY_USER).post(
        reverse("issues:attachment_add", args=[team.project.pk, issue.pk]),
        {"files": SimpleUploadedFile(name, content, content_type="image/png")},
        follow=True,
    )


@pytest.mark.parametrize(("name", "content"), [("screen.png", PAGE), ("screen.png", SVG), ("drawing.svg", SVG)])
def test_a_web_page_or_an_svg_passed_off_as_a_screenshot_is_refused(team, issue, name, content):
    response = attach(team, issue, name, content)
    assert f"{name} is not a screenshot or a PDF" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "disposition"),
    [("screen.png", PNG, "image/png", "inline"), ("minutes.pdf", PDF, "application/pdf", "attachment")],
)
def test_an_issue_file_is_served_with_the_type_it_was_checked_to_be(
    team, issue, name, content, content_type, disposition
):
    attach(team, issue, name, content)
    attachment = Attachment.objects.get()
    response = team.client_for(Role.MANAGER).get(
        reverse("issues:attachment", args=[team.project.pk, issue.pk, attachment.pk])
    )
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == content


def test_a_web_page_passed_off_as_training_material_is_only_ever_a_download(team):
    session = session_make(team, materials_file=SimpleUploadedFile("agenda.png", PAGE, content_type="text/html"))
    response = team.client_for(Role.MANAGER).get(reverse("training:materials", args=[team.project.pk, session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_uploaded_files_are_never_served_straight_from_the_media_folder():
    with pytest.raises(Resolver404):
        resolve(f"/{settings.MEDIA_URL}training/materials/0a1b/agenda.png")


def test_a_request_larger_than_the_limit_is_refused_before_it_is_read(team, settings):
    settings.REQUEST_MAX_BYTES = 4096
    response = team.client_for(Role.KEY_USER).post(
        reverse("training:create", args=[team.project.pk]),
        {"title": "Big", "materials_file": SimpleUploadedFile("video.mp4", b"\x00" * 8192)},
    )
    assert response.status_code == 413
    assert "What you sent is too large." in response.content.decode()
    assert "Content-Security-Policy" in response
    assert not TrainingSession.objects.exists()


def test_what_a_roster_file_says_is_shown_as_text(team):
    roster = csv_bytes([[SCRIPT, "li.wei", "li.wei@example.com", "<b>Finance</b>", "end_user", "", ""]])
    response = team.client_for(Role.APP_CONSULTANT).post(
        reverse("people:import", args=[team.project.pk]),
        {"file": SimpleUploadedFile("roster.csv", roster)},
        follow=True,
    )
    page = response.content.decode()
    assert RosterImport.objects.exists()
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_web_page_uploaded_as_a_roster_is_refused_with_a_message(team):
    response = team.client_for(Role.APP_CONSULTANT).post(
        reverse("people:import", args=[team.project.pk]), {"file": SimpleUploadedFile("roster.xlsx", PAGE)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not RosterImport.objects.exists()


def test_what_a_test_script_says_is_shown_as_text(team):
    script = (
        "Scenario ID,Module,Title,Business process,Step,Action,Expected result\n"
        f"AP-1,fin,{SCRIPT},P2P,1,<img src=x onerror=alert(1)>,Posted\n"
    ).encode()
    response = team.client_for(Role.APP_CONSULTANT).post(
        reverse("acceptance:scenario_import", args=[team.project.pk]),
        {"file": SimpleUploadedFile("script.csv", script)},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert SCRIPT not in page
    assert "<img src=x" not in page
    assert not acceptance.TestScenario.objects.exists()
