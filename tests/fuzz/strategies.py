"""What the fuzz tests type: any text (long, empty, control characters, markup, other scripts), numbers
out of every range, dates real and impossible, choices that exist and ones that do not, and files of any
name and content."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

from tests.fuzz.forms import Field

TRICKY = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "9" * 40,
    "2026-02-30",
    "2026-13-01T25:61",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\x00",
    "華東精密 · Ünïcødé · 🚀",
    "a" * 1000,
]

texts = st.one_of(st.sampled_from(TRICKY), st.text(max_size=300))
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    texts,
)
dates = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
    st.datetimes(min_value=datetime.datetime(1, 1, 1)).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    texts,
)
file_names = st.one_of(
    st.sampled_from(["shot.png", "roster.csv", "script.xlsx", "minutes.pdf", "page.html", "drawing.svg", "noname"]),
    st.text(st.characters(exclude_characters="/\\\x00", exclude_categories=["Cs"]), min_size=1, max_size=60).filter(
        lambda name: name not in (".", "..")
    ),
)
files = st.builds(
    lambda name, content: SimpleUploadedFile(name, content),
    file_names,
    st.one_of(
        st.binary(max_size=2048),
        st.sampled_from([b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, b"<html><script>alert(1)</script></html>", b"%PDF-1.4"]),
    ),
)
ABSENT = object()  # the field is left out of the request, as a browser does with an unticked box


def value_for(field: Field):
    """A strategy for one field's value (or `ABSENT`)."""
    if field.kind == "file":
        return st.one_of(files, st.just(ABSENT))
    if field.choices or field.kind in ("select", "checkbox", "radio"):
        choices = st.sampled_from([*field.choices, "", "0", "-1", "999999999", "x"])
        if field.multiple:
            return st.one_of(st.lists(choices, max_size=4), st.just(ABSENT))
        return st.one_of(choices, st.just(ABSENT))
    if field.kind == "hidden":
        return st.one_of(st.just(field.value), texts)
    if field.kind == "number":
        return numbers
    if field.kind in ("date", "datetime-local", "time", "month"):
        return dates
    return texts


def form_data(fields: dict[str, Field]):
    """A strategy for a whole submission: a value for every field, some left out."""
    return st.fixed_dictionaries({name: value_for(field) for name, field in fields.items()}).map(
        lambda data: {name: value for name, value in data.items() if value is not ABSENT}
    )
