"""Issue services: numbering, attachments, assignment, escalation, alternatives, decisions, comments,
and the notifications each sends after commit."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from issues import services
from issues.models import Attachment, Decision, Escalation, Issue, IssueEvent
from issues.uploads import MAX_ATTACHMENT_BYTES
from notifications.models import Notification
from people.models import Membership

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = Issue.Status
Kind = Notification.Kind


def kinds_for(username: str) -> list[str]:
    return list(Notification.objects.filter(recipient__username=username).values_list("kind", flat=True))


def test_issues_are_numbered_per_project(team, issue_make):
    other_key_user = team.other_module.key_user_assignments.get().membership
    first, second = issue_make(), issue_make()
    elsewhere = issue_make(module=team.other_module, reporter=other_key_user, affected_end_user=None)
    assert (first.project, first.number, second.number) == (team.project, 1, 2)
    assert (elsewhere.project, elsewhere.number) == (team.other_project, 1)


def test_logging_records_the_first_line_of_the_timeline(team, issue_make):
    issue = issue_make()
    event = issue.events.get()
    assert (event.kind, event.actor, event.after) == (IssueEvent.Kind.LOGGED, team.members[Role.KEY_USER], issue.title)
    assert issue.history.count() == 1


def test_a_reporter_from_another_project_is_refused(team, issue_make):
    other_key_user = team.other_module.key_user_assignments.get().membership
    with pytest.raises(ValidationError, match="is not a member of this project"):
        issue_make(reporter=other_key_user)
    assert not Issue.objects.exists()


def test_unknown_fields_are_a_programming_error(issue_make):
    with pytest.raises(TypeError, match="unexpected fields"):
        issue_make(priority="urgent")


def test_an_end_user_asking_for_help_is_the_affected_end_user_and_the_key_users_hear_of_it(
    team, issue_make, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue = issue_make(reporter=team.members[Role.END_USER], affected_end_user=None)
    assert issue.affected_end_user == team.members[Role.END_USER]
    assert kinds_for("keyuser") == [Kind.REQUEST]
    assert [m.to for m in mail.outbox] == [["keyuser@example.com"]]


def test_screenshots_and_pdfs_are_kept_with_the_issue(issue_make, png):
    pdf = SimpleUploadedFile("steps.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    issue = issue_make(attachments=[png(), pdf])
    assert sorted(issue.attachments.values_list("name", "content_type")) == [
        ("screen.png", "image/png"),
        ("steps.pdf", "application/pdf"),
    ]
    assert issue.events.filter(kind=IssueEvent.Kind.ATTACHED).count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("fake.png", b"<html>not really a png</html>"),
    ],
)
def test_files_that_are_not_images_or_pdfs_are_refused_whatever_their_name(issue_make, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    with pytest.raises(ValidationError, match="is not a screenshot or a PDF"):
        issue_make(attachments=[upload])
    assert not Issue.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(team, issue_make):
    issue = issue_make()
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_ATTACHMENT_BYTES)
    with pytest.raises(ValidationError, match="is larger than"):
        services.attachment_add(issue=issue, upload=big, uploaded_by=team.members[Role.KEY_USER])


def test_assignment_notifies_the_assignee_after_commit(team, issue_make, django_capture_on_commit_callbacks):
    issue = issue_make()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.issue_assign(issue=issue, assignee=team.members[Role.IT_USER], actor=team.members[Role.KEY_USER])
        assert mail.outbox == []  # nothing leaves before the commit
    assert callbacks
    assert kinds_for("ituser") == [Kind.ASSIGNED]
    assert mail.outbox[0].subject == "Issue #1 assigned to you: Posting period is closed"
    event = issue.events.get(kind=IssueEvent.Kind.ASSIGNED)
    assert (event.before, event.after) == ("", team.members[Role.IT_USER].user.display_name)


def test_issues_go_only_to_people_who_work_issues(team, issue_make):
    with pytest.raises(ValidationError, match="cannot take this issue"):
        services.issue_assign(
            issue=issue_make(), assignee=team.members[Role.MANAGER], actor=team.members[Role.KEY_USER]
        )


def test_escalation_records_who_when_which_tiers_and_why_and_notifies_the_new_tier(
    team, issue_make, django_capture_on_commit_callbacks
):
    issue = issue_make()
    with django_capture_on_commit_callbacks(execute=True):
        issue = services.issue_escalate(
            issue=issue,
            to_tier=Issue.Tier.TECHNICAL,
            reason="Interface to the bank times out.",
            actor=team.members[Role.KEY_USER],
        )
    escalation = Escalation.objects.get()
    assert (escalation.escalated_by, escalation.from_tier, escalation.to_tier, escalation.reason) == (
        team.members[Role.KEY_USER],
        Issue.Tier.KEY_USER,
        Issue.Tier.TECHNICAL,
        "Interface to the bank times out.",
    )
    assert issue.tier == Issue.Tier.TECHNICAL
    # No one named: everyone who takes the technical tier hears of it.
    assert kinds_for("ituser") == [Kind.ESCALATED]
    assert kinds_for("techconsultant") == [Kind.ESCALATED]
    assert kinds_for("consultant") == []
    event = issue.events.get(kind=IssueEvent.Kind.ESCALATED)
    assert (event.before_display, event.after_display) == ("Key User", "Technical (IT user or technical consultant)")


def test_escalating_to_a_named_consultant_assigns_and_notifies_only_them(team, issue_make):
    issue = services.issue_escalate(
        issue=issue_make(),
        to_tier=Issue.Tier.CONSULTANT,
        reason="Configuration",
        actor=team.members[Role.KEY_USER],
        assignee=team.members[Role.APP_CONSULTANT],
    )
    assert issue.assignee == team.members[Role.APP_CONSULTANT]
    assert kinds_for("consultant") == [Kind.ESCALATED]
    assert kinds_for("techconsultant") == []


@pytest.mark.parametrize(
    ("to_tier", "assignee_role", "message"),
    [
        (Issue.Tier.KEY_USER, None, "Escalate to the application consultants or to the technical tier"),
        (Issue.Tier.CONSULTANT, Role.IT_USER, "cannot take this issue"),
    ],
)
def test_escalation_goes_up_to_someone_who_can_take_it(team, issue_make, to_tier, assignee_role, message):
    with pytest.raises(ValidationError, match=message):
        services.issue_escalate(
            issue=issue_make(),
            to_tier=to_tier,
            reason="Why not",
            actor=team.members[Role.KEY_USER],
            assignee=team.members[assignee_role] if assignee_role else None,
        )
    assert not Escalation.objects.exists()


def test_escalation_needs_a_reason_and_a_new_tier(team, issue_make):
    issue = issue_make()
    with pytest.raises(ValidationError, match="Say why"):
        services.issue_escalate(issue=issue, to_tier="consultant", reason=" ", actor=team.members[Role.KEY_USER])
    services.issue_escalate(issue=issue, to_tier="consultant", reason="Config", actor=team.members[Role.KEY_USER])
    with pytest.raises(ValidationError, match="already with the Application consultant tier"):
        services.issue_escalate(issue=issue, to_tier="consultant", reason="Again", actor=team.members[Role.KEY_USER])


def test_alternatives_a_recommendation_and_a_decision(team, issue_make, django_capture_on_commit_callbacks):
    key_user, consultant = team.members[Role.KEY_USER], team.members[Role.APP_CONSULTANT]
    issue = issue_make()
    first = services.solution_option_add(
        issue=issue, author=key_user, summary="Fix the table", pros="Clean", cons="Transport", effort="low", risk="low"
    )
    second = services.solution_option_add(
        issue=issue,
        author=key_user,
        summary="Manual entry",
        pros="Now",
        cons="Monthly work",
        effort="medium",
        risk="high",
    )
    services.solution_option_recommend(option=second, actor=key_user)
    services.solution_option_recommend(option=first, actor=key_user)  # the mark moves
    assert list(issue.options.filter(recommended=True)) == [first]
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.issue_decide(issue=issue, option=first, reason="Standard fix", actor=consultant)
    assert (decision.decided_by, decision.option, decision.reason) == (consultant, first, "Standard fix")
    assert list(issue.options.filter(chosen=True)) == [first]
    assert Kind.DECISION in kinds_for("enduser")
    assert Kind.DECISION in kinds_for("keyuser")
    assert kinds_for("consultant") == []  # not the one who decided
    timeline = list(issue.events.values_list("kind", flat=True))
    assert timeline[-4:] == ["option_added", "recommended", "recommended", "decided"]


def test_a_later_decision_moves_the_chosen_mark(team, issue_make):
    consultant = team.members[Role.APP_CONSULTANT]
    issue = issue_make()
    a, b = (
        services.solution_option_add(issue=issue, author=consultant, summary=s, effort="low", risk="low") for s in "AB"
    )
    services.issue_decide(issue=issue, option=a, reason="First", actor=consultant)
    services.issue_decide(issue=issue, option=b, reason="Second thoughts", actor=consultant)
    assert list(issue.options.filter(chosen=True)) == [b]
    assert Decision.objects.count() == 2


def test_a_decision_needs_a_reason_and_an_option_of_the_issue(team, issue_make):
    consultant = team.members[Role.APP_CONSULTANT]
    issue, other = issue_make(), issue_make()
    option = services.solution_option_add(issue=other, author=consultant, summary="X", effort="low", risk="low")
    with pytest.raises(ValidationError, match="Say why"):
        services.issue_decide(issue=other, option=option, reason="", actor=consultant)
    with pytest.raises(ValidationError, match="belongs to another issue"):
        services.issue_decide(issue=issue, option=option, reason="Because", actor=consultant)


def test_resolving_tells_the_reporter_and_the_end_user(team, issue_make, django_capture_on_commit_callbacks):
    issue = issue_make(reporter=team.members[Role.IT_USER])
    consultant = team.members[Role.APP_CONSULTANT]
    services.issue_transition(issue=issue, to_status=Status.TRIAGED, actor=consultant)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_transition(issue=issue, to_status=Status.RESOLVED, actor=consultant, resolution="Reposted.")
    assert kinds_for("enduser") == [Kind.RESOLVED]
    assert kinds_for("ituser") == [Kind.RESOLVED]
    assert {m.to[0] for m in mail.outbox} == {"enduser@example.com", "ituser@example.com"}
    assert all("Reposted." in m.body for m in mail.outbox)


def test_a_team_comment_is_the_first_response_but_the_end_users_is_not(team, issue_make):
    issue = issue_make()
    services.comment_add(issue=issue, author=team.members[Role.END_USER], body="Still failing.")
    assert Issue.objects.get(pk=issue.pk).first_response_at is None
    services.comment_add(issue=issue, author=team.members[Role.KEY_USER], body="On it.")
    assert Issue.objects.get(pk=issue.pk).first_response_at is not None
    assert kinds_for("enduser") == [Kind.COMMENT]


def test_an_empty_comment_is_refused(team, issue_make):
    with pytest.raises(ValidationError, match="Write something"):
        services.comment_add(issue=issue_make(), author=team.members[Role.KEY_USER], body="   ")


def test_an_edit_records_each_changed_field(team, issue_make):
    issue = issue_make()
    services.issue_update(
        issue=issue,
        actor=team.members[Role.KEY_USER],
        title="Posting period 11 is closed",
        blocks_go_live=True,
        severity=Issue.Severity.S2,  # unchanged: no line
    )
    changes = {e.field: (e.before_display, e.after_display) for e in issue.events.filter(kind="changed")}
    assert changes == {
        "title": ("Posting period is closed", "Posting period 11 is closed"),
        "blocks_go_live": ("No", "Yes"),
    }
