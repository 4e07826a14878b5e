import re

import snowballstemmer
from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

# The stemmer PostgreSQL's "english" configuration uses, so a word found by its stem is marked too.
stemmer = snowballstemmer.stemmer("english")
WORD = re.compile(r"[^\W\d_]+")


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where the words occur in `text`: as substrings (any case) and as words of the same stem."""
    spans = []
    for word in words:
        spans += [m.span() for m in re.finditer(re.escape(word), text, re.IGNORECASE)]
    stems = set(stemmer.stemWords([word.lower() for word in words]))
    spans += [m.span() for m in WORD.finditer(text) if stemmer.stemWord(m.group().lower()) in stems]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@register.filter
def highlight(text, words: list[str]) -> str:
    """`text`, escaped, with each place the search words matched in <mark>."""
    text = str(text or "")
    marked, last = [], 0
    for start, end in _spans(text, words or []):
        marked.append((text[last:start], text[start:end]))
        last = end
    return format_html("{}{}", format_html_join("", "{}<mark>{}</mark>", marked), text[last:])
