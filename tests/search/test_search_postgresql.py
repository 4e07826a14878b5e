"""Search on PostgreSQL: words found by their stem, in an issue's comments, and in what changed since,
through the stored text vectors the database keeps current."""

import pytest
from django.db import connection

from issues.services import comment_add
from people.models import Membership
from search.selectors import search
from tests.search.test_search import found
from tests.workspaces.conftest import issue_make

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgresql,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"),
]

Role = Membership.Role


def test_english_words_find_other_forms_of_the_same_word(team):
    issue = issue_make(team.module, team.members[Role.KEY_USER], "Vendor master blocked for posting", description="")
    assert found(search(user=team.user(Role.KEY_USER), query="blocking vendors"), "issues") == [issue]
    assert found(search(user=team.user(Role.KEY_USER), query="posted"), "issues") == [issue]


def test_an_issue_is_found_by_the_words_of_its_comments_as_they_come_and_go(team):
    key_user = team.members[Role.KEY_USER]
    issue = issue_make(team.module, key_user, "Payment run fails", description="")
    assert found(search(user=key_user.user, query="intercompany clearing"), "issues") == []
    comment = comment_add(issue=issue, author=key_user, body="The intercompany clearing account is missing.")
    assert found(search(user=key_user.user, query="intercompany clearing"), "issues") == [issue]
    comment.delete()
    assert found(search(user=key_user.user, query="intercompany clearing"), "issues") == []


def test_a_person_is_found_by_a_new_name(team):
    member = team.members[Role.IT_USER]
    member.user.last_name = "Okonkwo"
    member.user.save()
    assert found(search(user=team.user(Role.APP_CONSULTANT), query="okonkwo"), "people") == [member]
    assert found(search(user=team.user(Role.APP_CONSULTANT), query="Okon"), "people") == [member]
