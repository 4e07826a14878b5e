"""What leaves the app in a language: notifications and emails, exports and the files that come back."""

import io

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from acceptance import imports
from issues import services as issue_services
from issues.models import Issue
from notifications.models import Notification
from people.models import Membership
from tests.acceptance.factories import scenario_make
from tests.training.conftest import session_make
from training import services as training_services

pytestmark = pytest.mark.django_db

Role = Membership.Role
CHINESE_BROWSER = "zh-CN,zh;q=0.9"


def test_someone_who_never_chose_a_language_is_told_in_the_language_in_use(team):
    issue = issue_services.issue_create(
        module=team.module,
        title="凭证过账期间已关闭",
        description="",
        category=Issue.Category.DEFECT,
        severity=Issue.Severity.S2,
        reporter=team.members[Role.KEY_USER],
    )
    with translation.override("zh-hans"):
        issue_services.issue_assign(issue=issue, assignee=team.members[Role.IT_USER], actor=team.members[Role.KEY_USER])
    notification = Notification.objects.get(recipient=team.user(Role.IT_USER))
    assert notification.subject == f"问题 #{issue.number} 已指派给您：凭证过账期间已关闭"


def test_a_training_invitation_is_wholly_in_the_language_its_reader_chose(team, django_capture_on_commit_callbacks):
    end_user = team.user(Role.END_USER)
    end_user.language = "en"
    end_user.save()
    session = session_make(team, title="Posting journals")
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        training_services.attendees_invite(session=session, memberships=[team.members[Role.END_USER]])
    (email,) = mail.outbox
    assert email.subject.startswith("Training invitation: Posting journals")
    assert "End-user training" in email.body
    assert "Trainer:" in email.body


def test_a_calendar_feed_speaks_the_language_its_owner_chose(team):
    end_user = team.members[Role.END_USER]
    end_user.user.language = "zh-hans"
    end_user.user.save()
    training_services.attendees_invite(session=session_make(team, title="凭证录入"), memberships=[end_user])
    token = training_services.calendar_feed_token_get(user=end_user.user).token
    response = Client().get(reverse("training:feed", args=[team.project.pk, token]))  # calendar apps send no language
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == f"培训 · {team.project.name}"
    (event,) = calendar.walk("VEVENT")
    assert "最终用户培训" in str(event["DESCRIPTION"])


def test_the_test_script_goes_out_in_chinese_and_comes_back(team):
    scenario_make(module=team.module, reference="FIN-010", title="月末结账")
    client = Client(headers={"accept-language": CHINESE_BROWSER})
    client.force_login(team.user(Role.APP_CONSULTANT))
    response = client.get(reverse("acceptance:scenario_export", args=[team.project.pk]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("测试场景编号", "模块", "标题", "业务流程")
    with translation.override("zh-hans"):
        preview = imports.scenarios_read(
            data=response.content,
            filename="脚本.xlsx",
            project=team.project,
            membership=team.members[Role.APP_CONSULTANT],
        )
    assert preview.errors == []
    assert (preview.created, preview.updated, preview.step_count) == (0, 1, 3)


def test_the_import_names_a_column_in_the_readers_language(team):
    scenario_make(module=team.module, reference="FIN-010")
    rows = [
        ["测试场景编号", "模块", "标题", "业务流程", "步骤", "操作", "预期结果"],
        ["FIN-020", "fin", "月末结账", "记录到报告", "1", "关闭期间", "期间已关闭"],
        ["FIN-020", "fin", "年末结账", "", "2", "运行试算平衡表", "借贷相等"],
    ]
    data = "\n".join(",".join(row) for row in rows).encode("utf-8-sig")
    with translation.override("zh-hans"):
        preview = imports.scenarios_read(
            data=data, filename="脚本.csv", project=team.project, membership=team.members[Role.APP_CONSULTANT]
        )
    assert preview.errors == ["第 3 行：FIN-020 的标题与第 2 行不同；请填写相同内容或留空。"]


def test_exports_have_their_column_titles_in_the_readers_language(team):
    client = Client(headers={"accept-language": CHINESE_BROWSER})
    client.force_login(team.user(Role.APP_CONSULTANT))
    response = client.get(reverse("issues:export", args=[team.project.pk]), {"format": "csv"})
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert "严重级别" in header
    assert "Severity" not in header
