"""Load every content file of a content root into one immutable ``Catalog``, with file:line problems.

Which model a file is validated against follows from where it stands:

    questions/exam.yaml          Exam
    questions/scenarios*.yaml    a list of Scenario
    questions/**/*.yaml          a list of Question
    labs/topologies/*.yaml       Topology
    labs/*.yaml                  Lab

Per-file validation (pydantic) comes first, then cross-file rules: unique ids, objective/skill references,
``lab`` links, scenario ids, topology references, and names used in checks and faults.
"""
from __future__ import annotations

import difflib
import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from engine.content.checks import Check
from engine.content.models import Exam, Lab, Question, Scenario
from engine.content.topology import Topology
from engine.content.yamlload import LineList, line_of, load_yaml, pydantic_problems
from engine.errors import Problem

REPO_ROOT = Path(__file__).resolve().parents[2]

_QUESTIONS = TypeAdapter(list[Question])
_SCENARIOS = TypeAdapter(list[Scenario])


@dataclass(frozen=True)
class Located:
    """A validated model with the file and raw YAML node it came from (for cross-file error lines)."""

    model: Any
    file: str
    node: Any

    def line(self, *loc: Any) -> int:
        return line_of(self.node, loc)


@dataclass(frozen=True)
class Catalog:
    """All content of one root. Treat as immutable: the app caches one per process."""

    root: Path
    exam: Exam | None
    questions: dict[str, Located] = field(default_factory=dict)
    scenarios: dict[str, Located] = field(default_factory=dict)
    labs: dict[str, Located] = field(default_factory=dict)
    topologies: dict[str, Located] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    def question_list(self) -> list:
        return [q.model for q in self.questions.values()]

    def question(self, qid: str):
        loc = self.questions.get(qid)
        return loc.model if loc else None

    def lab(self, lab_id: str) -> Lab | None:
        loc = self.labs.get(lab_id)
        return loc.model if loc else None

    def topology(self, ref: str | Topology) -> Topology | None:
        """Resolve a topology reference: an inline model, or a file name under labs/topologies (.yaml optional)."""
        if isinstance(ref, Topology):
            return ref
        loc = self.topologies.get(_topology_key(ref))
        return loc.model if loc else None


def _topology_key(ref: str) -> str:
    name = Path(ref).name
    return name[:-5] if name.endswith(".yaml") else name[:-4] if name.endswith(".yml") else name


def kind_of(path: Path, root: Path) -> str | None:
    """The kind of content file at ``path`` (relative to ``root``), or None when it is not content."""
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None
    if not parts or path.suffix not in (".yaml", ".yml"):
        return None
    if parts[0] == "questions":
        if parts[-1] in ("exam.yaml", "exam.yml"):
            return "exam"
        return "scenarios" if parts[-1].startswith("scenarios") else "questions"
    if parts[0] == "labs":
        if len(parts) >= 3 and parts[1] == "topologies":
            return "topology"
        return "lab" if len(parts) == 2 else None
    return None


def content_files(root: Path) -> list[Path]:
    files = [p for sub in ("questions", "labs") for p in sorted((root / sub).rglob("*.y*ml"))]
    return [p for p in files if kind_of(p, root)]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


_KNOWN_KEYS: set[str] = set()


def _suggest(key: Any) -> str:
    if not _KNOWN_KEYS:
        from engine.content import checks, models, topology
        for mod in (models, topology, checks):
            for obj in vars(mod).values():
                if isinstance(obj, type) and hasattr(obj, "model_fields"):
                    _KNOWN_KEYS.update(obj.model_fields)
        _KNOWN_KEYS.add("in")
    close = difflib.get_close_matches(str(key), sorted(_KNOWN_KEYS), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _load_file(path: Path, kind: str) -> tuple[list[Located], list[Problem]]:
    file = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [Problem(file, 1, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return [], [Problem(file, 1, "", f"cannot read: {exc.strerror}")]
    data, problems = load_yaml(text, file)
    if problems:
        return [], problems
    if data is None:
        return [], [Problem(file, 1, "", "the file is empty")]
    if kind in ("questions", "scenarios"):
        if not isinstance(data, list):
            return [], [Problem(file, getattr(data, "line", 1), "", f"a {kind[:-1]} file holds a list (items start with '- ')")]
        adapter = _QUESTIONS if kind == "questions" else _SCENARIOS
        located, problems = [], []
        for i, item in enumerate(data):
            try:
                model = adapter.validate_python([item])[0]
            except ValidationError as exc:
                problems += [Problem(p.file, p.line, _reindex(p.path, i), p.message)
                             for p in pydantic_problems(exc, _as_list(item), file, suggest=_suggest)]
                continue
            located.append(Located(model, file, item))
        return located, problems
    model_type = {"exam": Exam, "lab": Lab, "topology": Topology}[kind]
    if not isinstance(data, dict):
        return [], [Problem(file, getattr(data, "line", 1), "", f"a {kind} file holds a mapping (key: value lines)")]
    try:
        return [Located(model_type.model_validate(data), file, data)], []
    except ValidationError as exc:
        return [], pydantic_problems(exc, data, file, suggest=_suggest)


def _as_list(item: Any) -> LineList:
    """Wrap one item (validated as a one-item list) so a location starting with index 0 resolves inside it."""
    wrapper = LineList([item])
    wrapper.line = getattr(item, "line", 1)
    wrapper.item_lines = [wrapper.line]
    return wrapper


def _reindex(path: str, index: int) -> str:
    return f"[{index}]" + path[3:] if path.startswith("[0]") else f"[{index}].{path}" if path else f"[{index}]"


def load_catalog(root: Path | str = REPO_ROOT) -> Catalog:
    """Load and validate every content file under ``root``; never raises for bad content."""
    # The YAML nodes and models built here form no reference cycles, but their sheer number triggers full
    # garbage collections that rescan everything loaded so far: loading cost grew with files x bank size
    # (184x the time at 100x the bank). Pausing the collector keeps it linear.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_catalog(Path(root))
    finally:
        if enabled:
            gc.enable()


def _load_catalog(root: Path) -> Catalog:
    problems: list[Problem] = []
    exam = None
    found: dict[str, list[Located]] = {"questions": [], "scenarios": [], "lab": [], "topology": []}
    topo_files: dict[str, Located] = {}
    for path in content_files(root):
        kind = kind_of(path, root)
        located, file_problems = _load_file(path, kind)
        problems += file_problems
        if kind == "exam":
            exam = located[0].model if located else exam
        elif kind == "topology":
            for loc in located:
                topo_files[_topology_key(path.name)] = loc
        else:
            found[kind] += located
    if exam is None and not any(p.file.endswith(("exam.yaml", "exam.yml")) for p in problems):
        problems.append(Problem(_display(root / "questions" / "exam.yaml"), 1, "", "the exam blueprint is missing"))
    questions = _unique(found["questions"], "question", problems)
    scenarios = _unique(found["scenarios"], "scenario", problems)
    labs = _unique(found["lab"], "lab", problems)
    catalog = Catalog(root, exam, questions, scenarios, labs, topo_files)
    from engine.content.crossref import cross_check
    problems += cross_check(catalog)
    return Catalog(root, exam, questions, scenarios, labs, topo_files,
                   tuple(sorted(problems, key=lambda p: (p.file, p.line, p.path))))


def _unique(items: list[Located], what: str, problems: list[Problem]) -> dict[str, Located]:
    out: dict[str, Located] = {}
    for loc in items:
        key = loc.model.id
        if key in out:
            first = out[key]
            problems.append(Problem(loc.file, loc.line("id"), "id",
                                    f"{what} id '{key}' is already used at {first.file}:{first.line('id')}"))
        else:
            out[key] = loc
    return out


__all__ = ["Catalog", "Located", "load_catalog", "content_files", "kind_of", "Check", "REPO_ROOT"]
