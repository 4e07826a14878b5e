"""The Simplified Chinese catalog is complete: every string of the source is in it, translated, not fuzzy,
with its placeholders, and the compiled catalog the site loads says the same."""

import io
import shutil

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.i18n.catalog import CATALOG, Entry, placeholders, read_catalog

ROOT = CATALOG.parents[3]
# What `make messages` leaves out; the rest of the tree is scanned as it is.
NOT_SCANNED = {".git", ".venv", "node_modules", "tests", "locale", "staticfiles", "media", "test-output"}


def problems(entries: list[Entry]) -> list[str]:
    found = []
    for entry in entries[1:]:
        if entry.obsolete:
            found.append(f"obsolete: {entry.label!r}")
        elif "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.label!r}")
        elif not entry.translated:
            found.append(f"untranslated: {entry.label!r}")
    return found


def test_every_entry_is_translated_and_none_is_fuzzy():
    found = problems(read_catalog())
    assert not found, "\n".join(found)


def test_the_header_declares_chinese_with_a_single_plural_form():
    header = read_catalog()[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: zh_Hans\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr[0]
    assert all(len(entry.msgstr) == 1 for entry in read_catalog() if entry.msgid_plural)


def test_translations_keep_every_placeholder_and_tag():
    wrong = [
        f"{entry.label!r} → {text!r}"
        for entry in read_catalog()[1:]
        for text in entry.msgstr
        if placeholders(text) != placeholders(entry.msgid)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_catalog_has_every_string_of_the_source(tmp_path, settings, monkeypatch):
    """Run `makemessages` on the source into a copy of the catalog: nothing may come out new or fuzzy."""
    source = tmp_path / "source"
    source.mkdir()
    for path in ROOT.iterdir():
        if path.name not in NOT_SCANNED:
            (source / path.name).symlink_to(path)
    copy = source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(CATALOG, copy)
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        symlinks=True,
        no_obsolete=True,
        ignore_patterns=[".venv", "node_modules", "tests"],
        verbosity=0,
        stdout=io.StringIO(),
    )
    found = problems(read_catalog(copy))
    assert not found, "`make messages` would change the catalog; run it and translate:\n" + "\n".join(found)


def test_the_compiled_catalog_matches_the_source_catalog():
    """The .mo the site loads is built from this .po (`make` compiles it)."""
    stale = []
    with translation.override("zh-hans"):
        for entry in read_catalog()[1:]:
            if entry.msgid_plural:
                got = translation.ngettext(entry.msgid, entry.msgid_plural, 1)
            elif entry.msgctxt:
                got = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                got = translation.gettext(entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(f"{entry.label!r}: {got!r}")
    assert not stale, "the compiled catalog is out of date; run compilemessages:\n" + "\n".join(stale[:20])


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Key User", "关键用户"),
        ("End user", "最终用户"),
        ("IT user", "IT 用户"),
        ("Application consultant", "应用顾问"),
        ("Technical consultant", "技术顾问"),
        ("Master data", "主数据"),
        ("Hypercare", "上线支持"),
        ("Test scenarios", "测试场景"),
        ("Test cycles", "测试周期"),
    ],
)
def test_the_field_terms_are_the_ones_chinese_erp_teams_use(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese


def test_no_translation_is_left_in_english():
    """A msgstr equal to its msgid is an oversight."""
    same = [
        entry.label
        for entry in read_catalog()[1:]
        if entry.msgstr[0] == entry.msgid and any(c.isalpha() for c in entry.msgid)
    ]
    assert not same, same
