"""A scratch content root per test: the shipped exam blueprint and topologies, plus files the test writes."""
import shutil
import textwrap
from pathlib import Path

import pytest

from engine.content.loader import REPO_ROOT


class ContentRoot:
    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, rel: str, text: str) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return target


@pytest.fixture
def root(tmp_path: Path, monkeypatch) -> ContentRoot:
    (tmp_path / "questions").mkdir()
    shutil.copy(REPO_ROOT / "questions" / "exam.yaml", tmp_path / "questions" / "exam.yaml")
    (tmp_path / "labs" / "topologies").mkdir(parents=True)
    for name in ("standalone-pair.yaml", "two-node-cluster.yaml"):  # a fixed set, so messages listing them are stable
        shutil.copy(REPO_ROOT / "labs" / "topologies" / name, tmp_path / "labs" / "topologies" / name)
    monkeypatch.chdir(tmp_path)  # problems print paths relative to the working folder
    return ContentRoot(tmp_path)
