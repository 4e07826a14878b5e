"""Python code hands people translatable text only: messages, form labels and help, verbose names,
validation errors and notifications never take a bare English string."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_APP_CODE = {".git", ".venv", "node_modules", "tests", "bench", "staticfiles", "media", "migrations", "management"}
# Keyword arguments whose text people read.
READ_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label", "subject", "body"}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}


def source_files():
    for path in sorted(ROOT.rglob("*.py")):
        if not NOT_APP_CODE.intersection(path.relative_to(ROOT).parts):
            yield path


def is_bare_text(node: ast.AST) -> bool:
    """An English literal (or an f-string) rather than a translation."""
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and any(c.isalpha() for c in node.value)


def bare_texts(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        owner = getattr(node.func, "value", None)
        is_message = name in MESSAGE_LEVELS and getattr(owner, "id", "") == "messages"
        if is_message and len(node.args) > 1 and is_bare_text(node.args[1]):
            yield node.lineno, f"messages.{name}"
        if name == "ValidationError" and node.args and is_bare_text(node.args[0]):
            yield node.lineno, "ValidationError"
        for keyword in node.keywords:
            if keyword.arg in READ_KEYWORDS and is_bare_text(keyword.value):
                yield node.lineno, f"{keyword.arg}="


def test_no_bare_english_text_reaches_people():
    found = [
        f"{path.relative_to(ROOT)}:{line} {what}"
        for path in source_files()
        for line, what in bare_texts(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not found, "wrap these in gettext / gettext_lazy:\n" + "\n".join(found)
