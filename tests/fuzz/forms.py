"""The forms a page shows, read from its HTML: where each one sends, how, and its fields (with the
choices of selects, radios and checkboxes), so that the fuzz tests post to every form as a browser would."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", "number", "date", "datetime-local", "time", "month"}
IGNORED_TYPES = {"submit", "button", "reset", "image"}


@dataclass
class Field:
    name: str
    kind: str  # an <input> type, "select", "textarea"
    choices: list[str] = field(default_factory=list)
    multiple: bool = False
    value: str = ""  # what the page filled in (hidden fields keep theirs)


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str = "", *, multiple: bool = False) -> Field:
        existing = self.fields.get(name)
        if existing is None:
            existing = self.fields[name] = Field(name, kind, multiple=multiple, value=value)
        elif kind in ("checkbox", "radio"):
            existing.multiple = existing.multiple or kind == "checkbox"
        return existing


class _Reader(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.form = Form(
                action=attributes.get("action") or self.page_url,
                method=attributes.get("method", "get").lower(),
                multipart="multipart" in attributes.get("enctype", ""),
            )
            self.forms.append(self.form)
            return
        name = attributes.get("name")
        if self.form is None or not name or "disabled" in attributes:
            if tag == "option" and self.select is not None:
                self.select.choices.append(attributes.get("value", ""))
            return
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind in IGNORED_TYPES:
                return
            added = self.form.add(name, kind, attributes.get("value", ""))
            if kind in ("checkbox", "radio"):
                added.choices.append(attributes.get("value", "on"))
        elif tag == "textarea":
            self.form.add(name, "textarea")
        elif tag == "select":
            self.select = self.form.add(name, "select", multiple="multiple" in attributes)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def forms_on(html: str, page_url: str) -> list[Form]:
    reader = _Reader(page_url)
    reader.feed(html)
    return reader.forms
