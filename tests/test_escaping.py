"""Nothing people type is ever put on a page unescaped: the templates, the Python code and our own
JavaScript use no `|safe`, `mark_safe`, `{% autoescape off %}` or raw-HTML insertion, except the uses on
the allow-list below, each reviewed and about text that is ours, never a person's input. And the templates
hold no script the Content-Security-Policy would block: no inline script without the request's nonce, no
`on…=` handler, no `javascript:` link."""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", "staticfiles", "tests", "locale", "media", "test-output", ".git"}
SCANNED_SUFFIXES = {".html", ".txt", ".py", ".js"}

UNSAFE = {
    "|safe filter": re.compile(r"\|\s*safe(seq)?\b"),
    "{% autoescape off %}": re.compile(r"{%\s*autoescape\s+off"),
    "{% filter safe %}": re.compile(r"{%\s*filter\s[^%]*\bsafe"),
    "mark_safe / SafeString": re.compile(r"\b(mark_safe|SafeString|SafeText|SafeData|html_safe)\b"),
    "raw HTML insertion in JavaScript": re.compile(
        r"\.(innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML|document\.write"
    ),
}

BLOCKED_BY_THE_POLICY = {
    "inline <script> without a nonce": re.compile(r"<script(?![^>]*\b(src|nonce)=)[^>]*>", re.IGNORECASE),
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}

# "path:line text" → why it is safe.
ALLOWED: dict[str, str] = {
    "readiness/templatetags/readiness.py:from django.utils.safestring import mark_safe": "for `_markup` below",
    "readiness/templatetags/readiness.py:return mark_safe(html)": (
        "`_markup`: the readiness matrix, reasons and charts, written as f-strings for speed; every value in them "
        "goes through `_text` (the standard library's html.escape), as tests/projects/test_readiness_marks.py checks"
    ),
}


def scanned_files():
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [name for name in subdirectories if name not in SKIPPED_DIRS]
        for name in files:
            path = Path(directory) / name
            if path.suffix in SCANNED_SUFFIXES:
                yield path.relative_to(ROOT), path


def unsafe_uses() -> list[str]:
    found = []
    for relative, path in scanned_files():
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for what, pattern in UNSAFE.items():
                if pattern.search(line) and f"{relative}:{line.strip()}" not in ALLOWED:
                    found.append(f"{relative}:{number}: {what}: {line.strip()}")
    return found


def test_no_template_or_code_marks_text_as_safe_html():
    found = unsafe_uses()
    assert not found, "Unreviewed unescaped output (escape it, or review it and add it to ALLOWED):\n" + "\n".join(
        found
    )


def test_no_template_holds_a_script_the_content_security_policy_would_block():
    found = [
        f"{relative}:{number}: {what}: {line.strip()}"
        for relative, path in scanned_files()
        if path.suffix == ".html"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for what, pattern in BLOCKED_BY_THE_POLICY.items()
        if pattern.search(line)
    ]
    assert not found, "Put behaviour in a static .js file (or use the request's nonce):\n" + "\n".join(found)


def test_the_scan_sees_the_templates_the_python_and_the_javascript():
    seen = {relative.as_posix() for relative, _path in scanned_files()}
    assert {"templates/base.html", "erpteam/views.py", "static/js/erpteam.js"} <= seen


def test_the_patterns_catch_what_they_are_meant_to():
    samples = [
        "{{ issue.description|safe }}",
        "{{ rows | safeseq }}",
        "{% autoescape off %}",
        "{% filter force_escape|safe %}",
        "return mark_safe(text)",
        "element.innerHTML = text;",
        'list.insertAdjacentHTML("beforeend", row);',
    ]
    for sample in samples:
        assert any(pattern.search(sample) for pattern in UNSAFE.values()), sample
    assert not any(pattern.search("{{ note|safe_join }} {{ x|escape }} format_html") for pattern in UNSAFE.values())
    for sample in ("<script>go()</script>", '<button onclick="go()">', '<a href="javascript:go()">'):
        assert any(pattern.search(sample) for pattern in BLOCKED_BY_THE_POLICY.values()), sample
    allowed = '<script src="/static/js/erpteam.js"></script> <script nonce="{{ request.csp_nonce }}"> <p>Online</p>'
    assert not any(pattern.search(allowed) for pattern in BLOCKED_BY_THE_POLICY.values())
