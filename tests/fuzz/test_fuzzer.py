"""The fuzzer itself: it catches a page that fails on unexpected input and one that writes although it
refuses, so that its silence about the real pages means something."""

import pytest

from tests.fuzz.forms import Field, Form, forms_on
from tests.fuzz.test_forms import Fuzzer

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.fuzz.broken_urls")]


def test_it_catches_a_page_that_fails_on_unexpected_input(team):
    form = Form(action="/fails/", method="post", multipart=False, fields={"capacity": Field("capacity", "number")})
    with pytest.raises(ValueError, match="invalid literal for int"):
        Fuzzer({}, form).run()


def test_it_catches_a_page_that_writes_although_it_refuses(team):
    form = Form(action="/writes/", method="post", multipart=False, fields={"name": Field("name", "text")})
    with pytest.raises(AssertionError, match=r"wrote to \['projects_project'\]"):
        Fuzzer({}, form).run()


def test_it_reads_every_kind_of_field_from_the_page():
    html = """
    <form method="post" action="/p/1/issues/new/" enctype="multipart/form-data">
      <input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="title" value="Old"><textarea name="description"></textarea>
      <select name="module"><option value="">---</option><option value="7" selected>Finance</option></select>
      <select name="people" multiple><option value="1">A</option><option value="2">B</option></select>
      <input type="radio" name="severity" value="s1"><input type="radio" name="severity" value="s2">
      <input type="checkbox" name="tags" value="a"><input type="checkbox" name="tags" value="b">
      <input type="file" name="attachments"><input type="submit" name="go" value="Log">
      <input name="locked" disabled>
    </form>
    <form action="/search/"><input type="search" name="q"></form>"""
    issue_form, search = forms_on(html, "/page/")
    fields = issue_form.fields
    assert (issue_form.method, issue_form.multipart, search.method, search.action) == ("post", True, "get", "/search/")
    assert set(fields) == {
        "csrfmiddlewaretoken",
        "title",
        "description",
        "module",
        "people",
        "severity",
        "tags",
        "attachments",
    }
    assert fields["module"].choices == ["", "7"]
    assert fields["people"].multiple
    assert fields["tags"].multiple
    assert not fields["severity"].multiple
    assert fields["severity"].choices == ["s1", "s2"]
    assert fields["attachments"].kind == "file"
