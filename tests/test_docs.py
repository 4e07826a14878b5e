"""The README and the documentation hold together: every relative link and image resolves to a file of
the repository, every guide page is listed in the guide's index, and the README links the index, each
guide page, the deployment guide and the performance record."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guide"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _relative_targets(document: Path) -> list[str]:
    return [
        target.split("#", 1)[0]
        for target in LINK.findall(document.read_text(encoding="utf-8"))
        if not re.match(r"[a-z]+:", target) and not target.startswith("#")
    ]


def test_every_relative_link_resolves():
    broken = [
        f"{document.relative_to(ROOT)} → {target}"
        for document in _documents()
        for target in _relative_targets(document)
        if not (document.parent / target).resolve().exists()
    ]
    assert not broken, f"links to missing files: {broken}"


def test_every_guide_page_is_in_the_index_and_the_readme():
    pages = {page.name for page in GUIDE.glob("*.md")} - {"README.md"}
    assert {"planning.md", "training.md", "issues.md", "acceptance.md", "readiness.md"} <= pages
    index = set(_relative_targets(GUIDE / "README.md"))
    assert pages - index == set(), "guide pages missing from docs/guide/README.md"
    readme = set(_relative_targets(ROOT / "README.md"))
    expected = {f"docs/guide/{page}" for page in pages | {"README.md"}} | {"docs/deployment.md", "docs/performance.md"}
    assert expected - readme == set(), "pages the README does not link"
