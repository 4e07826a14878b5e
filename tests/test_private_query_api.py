"""The code uses Django's public query API only: no compiler, no hand-built SQL from a queryset, no
hand-made raw querysets (they break on Django upgrades and freeze translations and time zones)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "node_modules", "tests", ".git"}
PRIVATE = re.compile(
    r"get_compiler|\bas_sql\b|results_iter|execute_sql|RawQuerySet\s*\(|\.query\.\w|django\.db\.models\.sql\b"
    r"|from django\.db\.models import sql\b"
)


def source_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED.intersection(path.relative_to(ROOT).parts):
            yield path


def test_no_private_query_api():
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in source_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE.search(line)
    ]
    assert not hits, "Django's private query API in use:\n" + "\n".join(hits)


def test_the_check_sees_private_api():
    for line in ("compiler = qs.query.get_compiler('default')", "sql, params = qs.query.as_sql()", "RawQuerySet(sql)"):
        assert PRIVATE.search(line)
    assert not PRIVATE.search("qs = Issue.objects.filter(project=project).values('module')")
