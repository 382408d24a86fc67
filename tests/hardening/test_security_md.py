"""SECURITY.md backs each claim with a test: every ``path::test_name`` it cites must exist, so a renamed or deleted
test cannot leave a claim unbacked (the suite itself runs them)."""
from __future__ import annotations

import re

from engine.content.loader import REPO_ROOT

CITATION = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def test_every_test_security_md_cites_exists():
    text = (REPO_ROOT / "SECURITY.md").read_text(encoding="utf-8")
    cited = set(CITATION.findall(text))
    assert len(cited) >= 40  # the document was parsed, not skipped
    missing = [f"{path}::{name}" for path, name in sorted(cited)
               if not (REPO_ROOT / path).is_file()
               or not re.search(rf"^def {name}\(", (REPO_ROOT / path).read_text(encoding="utf-8"), re.MULTILINE)]
    assert missing == []
