"""Friendly 403, 404 and 500 pages in the app's layout and the reader's language, with a way back."""

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse

from people.models import Membership

pytestmark = pytest.mark.django_db

Role = Membership.Role


def in_chinese(team, who):
    user = team.outsider if who == "outsider" else team.user(who)
    user.language = "zh-hans"
    user.save()
    return team.client_for(who)


def test_a_refusal_is_a_403_page_in_the_layout_with_ways_back(team):
    response = team.client_for(Role.END_USER).get(reverse("people:list", args=[team.project.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your role in this project does not allow this." in page
    assert 'id="nav-search"' in page  # the app's navigation
    assert f'href="{reverse("home")}"' in page
    assert f'href="{reverse("projects:detail", args=[team.project.pk])}"' in page


def test_a_refusal_speaks_the_readers_language(team):
    response = in_chinese(team, Role.END_USER).get(reverse("people:list", args=[team.project.pk]))
    assert response.status_code == 403
    assert response.headers["Content-Language"] == "zh-hans"
    assert "您在本项目中的角色不允许此操作。" in response.content.decode()


def test_a_missing_page_is_a_404_page_in_the_layout_in_the_readers_language(team):
    url = reverse("projects:detail", args=[team.project.pk])
    response = team.client_for("outsider").get(url)
    assert response.status_code == 404
    assert "Back to my projects" in response.content.decode()
    assert 'id="nav-search"' in response.content.decode()
    response = in_chinese(team, "outsider").get(url)
    assert response.status_code == 404
    assert "返回我的项目" in response.content.decode()


def test_a_form_sent_without_its_token_gets_a_friendly_403(team):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.user(Role.KEY_USER))
    client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 403
    assert "reload the page" in response.content.decode()


@pytest.mark.urls("tests.workspaces.failing_urls")
@pytest.mark.parametrize(
    ("language", "text"), [("en", "Something went wrong on our side."), ("zh-hans", "我们这边出了点问题。")]
)
def test_a_failure_is_a_500_page_in_the_readers_language_with_a_way_back(team, language, text):
    client = Client(raise_request_exception=False, headers={"accept-language": language})
    client.force_login(team.user(Role.KEY_USER))
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert text in page
    assert f'href="{reverse("home")}"' in page
    assert 'class="navbar' in page
