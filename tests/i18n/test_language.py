"""The language follows the browser (or the person's choice), and dates and times are written the way
the reader's language and time zone write them."""

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issues import services as issue_services
from issues.models import Issue
from people.models import Membership
from tests.training.conftest import session_make

pytestmark = pytest.mark.django_db

Role = Membership.Role
CHINESE_BROWSER = "zh-CN,zh;q=0.9,en;q=0.5"


def page(team, role: str, url: str, browser: str = CHINESE_BROWSER) -> str:
    client = Client(headers={"accept-language": browser})
    client.force_login(team.user(role))
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_browser_set_to_chinese_gets_the_login_page_in_chinese(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=CHINESE_BROWSER)
    assert response.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans"' in response.content.decode()
    assert "登录 erpteam" in response.content.decode()


def test_a_browser_set_to_english_gets_english(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.headers["Content-Language"] == "en"
    assert "Log in to erpteam" in response.content.decode()


def test_a_person_who_chose_chinese_reads_chinese_whatever_the_browser(team):
    user = team.user(Role.MANAGER)
    user.language = "zh-hans"
    user.save()
    html = page(team, Role.MANAGER, reverse("projects:detail", args=[team.project.pk]), browser="en-US,en")
    assert "计划上线" in html
    assert "Target go-live" not in html


def test_dates_are_written_the_way_each_language_writes_them(team):
    url = reverse("projects:detail", args=[team.project.pk])  # target go-live 4 January 2027
    assert "2027年1月4日" in page(team, Role.MANAGER, url)
    assert "Jan. 4, 2027" in page(team, Role.MANAGER, url, browser="en-US,en")


def test_training_dates_put_the_month_before_the_day_in_chinese(team):
    start = timezone.make_aware(datetime.datetime(2026, 12, 3, 9, 30), zoneinfo.ZoneInfo("Asia/Shanghai"))
    session_make(team, start=start, title="Posting journals")
    url = reverse("training:list", args=[team.project.pk])
    assert "12月3日 星期四" in page(team, Role.APP_CONSULTANT, url)
    assert "Thu 3 Dec" in page(team, Role.APP_CONSULTANT, url, browser="en-US,en")


def test_times_are_shown_in_each_persons_time_zone(team):
    logged = datetime.datetime(2026, 11, 2, 1, 30, tzinfo=datetime.UTC)
    issue = issue_services.issue_create(
        module=team.module,
        title="Posting period is closed",
        description="",
        category=Issue.Category.DEFECT,
        severity=Issue.Severity.S3,
        reporter=team.members[Role.KEY_USER],
        logged_at=logged,
    )
    url = reverse("issues:detail", args=[team.project.pk, issue.pk])
    shanghai, berlin = team.user(Role.APP_CONSULTANT), team.user(Role.MANAGER)
    shanghai.time_zone, berlin.time_zone = "Asia/Shanghai", "Europe/Berlin"
    shanghai.save()
    berlin.save()
    assert "2026年11月2日 09:30" in page(team, Role.APP_CONSULTANT, url)
    assert "2026年11月2日 02:30" in page(team, Role.MANAGER, url)
