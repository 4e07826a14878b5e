"""Reading a gettext catalog (.po) as the tests need it: entries with their flags and translations."""

import re
from dataclasses import dataclass, field
from pathlib import Path

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
# %(name)s, %s, {name}, and HTML tags: what a translation must carry over unchanged.
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}|</?[a-z]+[^>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return f"{self.msgctxt} | {self.msgid}" if self.msgctxt else self.msgid

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def read_catalog(path: Path = CATALOG) -> list[Entry]:
    """Every entry of the catalog, the header (msgid "") included, in file order."""
    entries: list[Entry] = []
    entry, target = None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, target = None, None
            continue
        entry = entry or Entry()
        target = _read_line(entry, line, target)
    return entries


def _read_line(entry: Entry, line: str, target: tuple[str, int | None] | None) -> tuple[str, int | None] | None:
    """Add a line of the catalog to its entry (other comments are skipped); returns what a continuation line
    ("…") would extend."""
    if line.startswith("#~"):
        entry.obsolete = True
    elif line.startswith("#,"):
        entry.flags |= {flag.strip() for flag in line[2:].split(",")}
    elif match := _KEYWORD.match(line):
        keyword, text = match.group(1), _unescape(match.group(2))
        if keyword.startswith("msgstr"):
            entry.msgstr.append(text)
            return ("msgstr", len(entry.msgstr) - 1)
        setattr(entry, keyword, text)
        return (keyword, None)
    elif line.startswith('"') and target is not None:
        keyword, index = target
        text = _unescape(line[1:-1])
        if index is None:
            setattr(entry, keyword, getattr(entry, keyword) + text)
        else:
            entry.msgstr[index] += text
    return target


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))
