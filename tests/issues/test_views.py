"""Issue pages: logging, the list with its filters, quick views and exports, the issue page and its
actions, screenshots, the SLA policy, and who sees what."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from issues import services
from issues.models import Issue, SlaPolicy
from people.models import Membership
from tests.factories import MembershipFactory, module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = Issue.Status


def url(name, team, *args, **query):
    path = reverse(f"issues:{name}", args=[team.project.pk, *args])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def numbers(response) -> list[int]:
    return [issue.number for issue in response.context["issues"]]


# --- logging ----------------------------------------------------------------------------------------


def test_a_key_user_logs_an_issue_for_an_end_user_of_their_module(team, png):
    response = team.client_for(Role.KEY_USER).post(
        url("create", team),
        {
            "module": team.module.pk,
            "title": "Cannot post invoice",
            "category": Issue.Category.DEFECT,
            "severity": Issue.Severity.S2,
            "description": "F5 201",
            "affected_end_user": team.members[Role.END_USER].pk,
            "blocks_go_live": "on",
            "attachments": [png()],
        },
    )
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", team, issue.pk)
    assert (issue.reporter, issue.affected_end_user, issue.blocks_go_live) == (
        team.members[Role.KEY_USER],
        team.members[Role.END_USER],
        True,
    )
    assert issue.attachments.count() == 1


def test_a_key_user_cannot_log_for_a_module_they_do_not_own(team):
    module = module_make(project=team.project, code="wh", name="Warehouse")
    client = team.client_for(Role.KEY_USER)
    assert "Warehouse" not in client.get(url("create", team)).content.decode()
    response = client.post(
        url("create", team), {"module": module.pk, "title": "X", "category": "defect", "severity": "s3"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Issue.objects.exists()


def test_the_form_keeps_what_was_typed_when_something_is_wrong(team):
    fake = io.BytesIO(b"<html></html>")
    fake.name = "screen.png"
    response = team.client_for(Role.IT_USER).post(
        url("create", team),
        {
            "module": team.module.pk,
            "title": "Bank interface times out",
            "category": "defect",
            "severity": "s1",
            "description": "Every payment file since 9:00",
            "attachments": [fake],
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a screenshot or a PDF" in page
    assert 'value="Bank interface times out"' in page
    assert "Every payment file since 9:00" in page
    assert not Issue.objects.exists()


def test_an_end_user_asks_for_help_with_a_short_form(team):
    client = team.client_for(Role.END_USER)
    page = client.get(url("create", team)).content.decode()
    assert "Ask for help" in page
    assert 'name="severity"' not in page
    response = client.post(
        url("create", team), {"module": team.module.pk, "title": "Report is empty", "description": "Since Monday"}
    )
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert (issue.category, issue.severity, issue.affected_end_user) == (
        Issue.Category.QUESTION,
        Issue.Severity.S3,
        team.members[Role.END_USER],
    )


# --- who sees what ----------------------------------------------------------------------------------


def test_end_users_see_only_the_issues_raised_for_them(team, issue_make):
    mine = issue_make(title="Mine")
    someone_else = MembershipFactory(project=team.project, role=Role.END_USER)
    theirs = issue_make(title="Theirs", affected_end_user=someone_else)
    nobodys = issue_make(title="Internal", affected_end_user=None)
    client = team.client_for(Role.END_USER)
    assert numbers(client.get(url("list", team))) == [mine.number]
    assert client.get(url("detail", team, mine.pk)).status_code == 200
    for issue in (theirs, nobodys):
        assert client.get(url("detail", team, issue.pk)).status_code == 404
        assert client.post(url("comment", team, issue.pk), {"body": "Hello?"}).status_code == 404
    export = client.get(url("export", team, format="csv")).content.decode("utf-8-sig")
    assert "Mine" in export
    assert "Theirs" not in export


def test_another_projects_issue_is_a_404_even_through_this_project(team, issue_make):
    other_key_user = team.other_module.key_user_assignments.get().membership
    foreign = issue_make(module=team.other_module, reporter=other_key_user, affected_end_user=None)
    client = team.client_for(Role.APP_CONSULTANT)
    assert client.get(url("detail", team, foreign.pk)).status_code == 404
    assert client.post(url("transition", team, foreign.pk), {"to_status": "triaged"}).status_code == 404
    assert Issue.objects.get(pk=foreign.pk).status == Status.NEW


def test_a_key_user_cannot_recommend_on_a_module_they_do_not_own(team, issue_make):
    other_key_user = MembershipFactory(project=team.project, role=Role.KEY_USER)
    module = module_make(project=team.project, key_users=[other_key_user])
    issue = issue_make(module=module, reporter=other_key_user)
    option = services.solution_option_add(issue=issue, author=other_key_user, summary="A", effort="low", risk="low")
    response = team.client_for(Role.KEY_USER).post(url("option_recommend", team, issue.pk, option.pk))
    assert response.status_code == 403
    assert not Issue.objects.get(pk=issue.pk).options.filter(recommended=True).exists()


# --- the list -----------------------------------------------------------------------------------------


@pytest.fixture
def spread(team, issue_make):
    """Four issues that differ in every filtered field."""
    key_user, it_user = team.members[Role.KEY_USER], team.members[Role.IT_USER]
    other_module = module_make(project=team.project, code="wh", name="Warehouse")
    a = issue_make(title="Tax account wrong", severity="s1", blocks_go_live=True)
    b = issue_make(title="Dunning logo", severity="s4", category="training_gap")
    c = issue_make(title="Bins without capacity", module=other_module, reporter=it_user, affected_end_user=None)
    d = issue_make(title="Closed one", severity="s3", category="question")
    services.issue_assign(issue=b, assignee=key_user, actor=key_user)
    services.issue_assign(issue=c, assignee=it_user, actor=it_user)
    services.issue_transition(issue=d, to_status=Status.TRIAGED, actor=key_user)
    services.issue_transition(issue=d, to_status=Status.RESOLVED, actor=key_user, resolution="Answered")
    Issue.objects.filter(pk=c.pk).update(resolve_due="2000-01-01T00:00Z")  # long overdue
    return {"a": a.number, "b": b.number, "c": c.number, "d": d.number, "module": other_module}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, "dcba"),
        ({"severity": "s1"}, "a"),
        ({"category": "training_gap"}, "b"),
        ({"status": "resolved"}, "d"),
        ({"status": "open"}, "cba"),
        ({"blocks_go_live": "true"}, "a"),
        ({"blocks_go_live": "false"}, "dcb"),
        ({"overdue": "true"}, "c"),
        ({"overdue": "false"}, "dba"),
        ({"q": "logo"}, "b"),
        ({"view": "mine"}, "b"),
        ({"view": "my_modules"}, "dba"),
        ({"view": "blocking"}, "a"),
        ({"view": "overdue"}, "c"),
        ({"sort": "severity"}, "acdb"),
        ({"sort": "-severity"}, "bdca"),
    ],
)
def test_the_list_filters_quick_views_and_sorts(team, spread, query, expected):
    response = team.client_for(Role.KEY_USER).get(url("list", team, **query))
    assert numbers(response) == [spread[letter] for letter in expected]


def test_the_list_filters_by_module_and_assignee(team, spread):
    client = team.client_for(Role.KEY_USER)
    assert numbers(client.get(url("list", team, module=spread["module"].pk))) == [spread["c"]]
    assignee = team.members[Role.IT_USER].pk
    assert numbers(client.get(url("list", team, assignee=assignee))) == [spread["c"]]


def test_the_list_paginates_and_keeps_the_filters_in_the_page_links(team, issue_make):
    for _ in range(27):
        issue_make(severity="s3")
    response = team.client_for(Role.KEY_USER).get(url("list", team, severity="s3"))
    assert len(response.context["issues"]) == 25
    assert "?severity=s3&amp;page=2" in response.content.decode()
    assert len(team.client_for(Role.KEY_USER).get(url("list", team, severity="s3", page=2)).context["issues"]) == 2


def test_pages_of_a_sort_with_ties_neither_overlap_nor_skip(team, issue_make):
    logged = [issue_make(severity="s3").number for _ in range(30)]
    client = team.client_for(Role.KEY_USER)
    first = numbers(client.get(url("list", team, sort="severity")))
    second = numbers(client.get(url("list", team, sort="severity", page=2)))
    assert first + second == sorted(logged, reverse=True)
    assert client.get(url("list", team)).context["page_obj"].paginator.count == 30


def test_the_export_follows_the_filters_as_csv_and_excel(team, spread):
    client = team.client_for(Role.MANAGER)
    csv_text = client.get(url("export", team, format="csv", severity="s1")).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("Number,Title,Module")
    assert len(lines) == 2
    assert "Tax account wrong" in lines[1]
    response = client.get(url("export", team, format="xlsx", status="open"))
    assert response["Content-Disposition"] == 'attachment; filename="demo-issues.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["Bins without capacity", "Dunning logo", "Tax account wrong"]


# --- the issue page and its actions -------------------------------------------------------------------


def test_a_refused_transition_shows_its_reason_on_the_page(team, issue_make):
    issue = issue_make()
    services.issue_transition(issue=issue, to_status=Status.TRIAGED, actor=team.members[Role.KEY_USER])
    services.issue_transition(
        issue=issue, to_status=Status.RESOLVED, actor=team.members[Role.KEY_USER], resolution="Ok"
    )
    response = team.client_for(Role.IT_USER).post(url("transition", team, issue.pk), {"to_status": "closed"})
    assert response.status_code == 200
    assert (
        "As IT user you cannot move an issue from Resolved to Closed; ask a Key User or a consultant."
        in response.content.decode()
    )
    assert Issue.objects.get(pk=issue.pk).status == Status.RESOLVED


def test_the_page_offers_only_the_transitions_the_role_may_make(team, issue_make):
    issue = issue_make()
    key_user_page = team.client_for(Role.KEY_USER).get(url("detail", team, issue.pk))
    assert [b["status"] for b in key_user_page.context["transitions"]] == ["triaged"]
    manager_page = team.client_for(Role.MANAGER).get(url("detail", team, issue.pk))
    assert "transitions" not in manager_page.context
    assert url("transition", team, issue.pk) not in manager_page.content.decode()


def test_a_failed_resolution_reopens_its_form_with_the_message(team, issue_make):
    issue = issue_make()
    services.issue_transition(issue=issue, to_status=Status.TRIAGED, actor=team.members[Role.KEY_USER])
    response = team.client_for(Role.KEY_USER).post(
        url("transition", team, issue.pk), {"to_status": "resolved", "resolution": " "}
    )
    page = response.content.decode()
    assert "Describe the resolution: the end user will read it." in page
    assert 'class="collapse show" id="transition-resolved"' in page


def test_a_screenshot_is_served_as_an_image_that_cannot_run_anything(team, issue_make, png):
    issue = issue_make(attachments=[png()])
    attachment = issue.attachments.get()
    response = team.client_for(Role.END_USER).get(url("attachment", team, issue.pk, attachment.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_pdf_is_downloaded_not_shown(team, issue_make):
    from django.core.files.uploadedfile import SimpleUploadedFile

    issue = issue_make(attachments=[SimpleUploadedFile("steps.pdf", b"%PDF-1.7 ...")])
    attachment = issue.attachments.get()
    response = team.client_for(Role.KEY_USER).get(url("attachment", team, issue.pk, attachment.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_an_attachment_of_another_issue_is_a_404(team, issue_make, png):
    with_file, without = issue_make(attachments=[png()]), issue_make()
    attachment = with_file.attachments.get()
    response = team.client_for(Role.KEY_USER).get(url("attachment", team, without.pk, attachment.pk))
    assert response.status_code == 404


def test_consultants_edit_the_sla_policy(team):
    client = team.client_for(Role.APP_CONSULTANT)
    data = {f: 1 for f in services.SLA_FIELDS} | {"s1_resolve_hours": 6}
    response = client.post(url("sla", team), data)
    assert response.status_code == 302
    assert SlaPolicy.objects.get(project=team.project).hours("s1") == (1, 6)
    refused = client.post(url("sla", team), data | {"s2_respond_hours": 5})
    assert "no less time to resolve than to respond" in refused.content.decode()
    assert SlaPolicy.objects.get(project=team.project).hours("s2") == (1, 1)


def test_an_issue_edit_is_saved_through_the_service_and_shows_on_the_timeline(team, issue_make):
    issue = issue_make()
    response = team.client_for(Role.IT_USER).post(
        url("update", team, issue.pk),
        {"title": issue.title, "category": "master_data", "severity": "s2", "description": issue.description},
    )
    assert response.status_code == 302
    event = Issue.objects.get(pk=issue.pk).events.get(kind="changed", field="category")
    assert (event.before_display, event.after_display, event.actor) == (
        "Defect",
        "Master data",
        team.members[Role.IT_USER],
    )
    assert not Issue.objects.get(pk=issue.pk).events.filter(kind="changed", field="severity").exists()


# --- the story of an issue, end to end ----------------------------------------------------------------


def test_a_key_user_logs_proposes_and_escalates_a_consultant_decides_and_resolves_and_the_end_user_reads_it(
    team, django_capture_on_commit_callbacks
):
    key_user, consultant, end_user = (team.client_for(r) for r in (Role.KEY_USER, Role.APP_CONSULTANT, Role.END_USER))
    key_user.post(
        url("create", team),
        {
            "module": team.module.pk,
            "title": "Withholding tax posts to the wrong account",
            "category": "defect",
            "severity": "s2",
            "affected_end_user": team.members[Role.END_USER].pk,
        },
    )
    issue = Issue.objects.get()
    for summary in ("Fix account determination", "Monthly reclassification"):
        key_user.post(url("option_create", team, issue.pk), {"summary": summary, "effort": "low", "risk": "low"})
    first = issue.options.get(summary="Fix account determination")
    key_user.post(url("option_recommend", team, issue.pk, first.pk))
    key_user.post(
        url("escalate", team, issue.pk),
        {"to_tier": "consultant", "assignee": team.members[Role.APP_CONSULTANT].pk, "reason": "Configuration"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        consultant.post(url("decide", team, issue.pk), {"option": first.pk, "reason": "Standard fix"})
        consultant.post(url("transition", team, issue.pk), {"to_status": "triaged"})
        consultant.post(url("transition", team, issue.pk), {"to_status": "resolved", "resolution": "Account fixed."})
    issue.refresh_from_db()
    assert (issue.status, issue.tier, issue.assignee) == (
        Status.RESOLVED,
        Issue.Tier.CONSULTANT,
        team.members[Role.APP_CONSULTANT],
    )
    page = end_user.get(url("detail", team, issue.pk)).content.decode()
    assert "Account fixed." in page
    assert "Decision: Fix account determination" in page
    assert "Monthly reclassification" in page
    kinds = list(issue.events.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds == [
        "logged",
        "option_added",
        "option_added",
        "recommended",
        "escalated",
        "assigned",
        "decided",
        "status",
        "status",
    ]
    end_user_notices = set(team.user(Role.END_USER).notifications.values_list("kind", flat=True))
    assert end_user_notices == {"decision", "resolved"}
