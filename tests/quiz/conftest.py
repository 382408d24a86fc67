"""Small hand-built catalogues for the quiz tests (models constructed directly, no YAML)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from engine.content.loader import Catalog, Located
from engine.content.models import (Blank, CommandQuestion, DropdownQuestion, Exam, MatchQuestion,
                                   MultipleQuestion, Objective, Option, OrderQuestion, Reference, Scenario,
                                   SingleQuestion, SubSkill)

REF = [Reference(title="Docs", url="https://learn.microsoft.com/x")]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _opts(*ids: str) -> list[Option]:
    return [Option(id=i, text=f"option {i}") for i in ids]


def _notes(*ids: str) -> dict[str, str]:
    return {i: f"why {i}" for i in ids}


def common(qid: str, objective: str, skill: str, **extra) -> dict:
    return {"id": qid, "objective": objective, "skill": skill, "stem": f"Stem of {qid}, long enough.",
            "explanation": f"Explanation of {qid}.", "references": REF, **extra}


def single(qid="s1", objective="1.1", skill="1.1.a", answer="b", **extra) -> SingleQuestion:
    return SingleQuestion(type="single", options=_opts("a", "b", "c", "d"), answer=answer,
                          option_explanations=_notes("a", "b", "c", "d"), **common(qid, objective, skill, **extra))


def multiple(qid="m1", objective="1.1", skill="1.1.a", answer=("a", "b"), **extra) -> MultipleQuestion:
    return MultipleQuestion(type="multiple", options=_opts("a", "b", "c", "d", "e"), answer=list(answer),
                            option_explanations=_notes("a", "b", "c", "d", "e"),
                            **common(qid, objective, skill, **extra))


def order(qid="o1", objective="1.1", skill="1.1.a", **extra) -> OrderQuestion:
    return OrderQuestion(type="order", options=_opts("a", "b", "c", "d", "x"), answer=["a", "b", "c", "d"],
                         option_explanations=_notes("a", "b", "c", "d", "x"), **common(qid, objective, skill, **extra))


def match(qid="x1", objective="1.1", skill="1.1.a", **extra) -> MatchQuestion:
    return MatchQuestion(type="match", left=_opts("l1", "l2", "l3", "l4"), right=_opts("r1", "r2", "r3"),
                         answer={"l1": "r1", "l2": "r2", "l3": "r1", "l4": "r3"},
                         option_explanations=_notes("l1", "l2", "l3", "l4", "r1", "r2", "r3"),
                         **common(qid, objective, skill, **extra))


def dropdown(qid="d1", objective="1.1", skill="1.1.a", **extra) -> DropdownQuestion:
    base = common(qid, objective, skill, **extra)
    base["stem"] = "Run {{cmd}} with {{param}} to do it."
    return DropdownQuestion(type="dropdown", blanks=[
        Blank(id="cmd", options=_opts("c1", "c2", "c3"), answer="c1"),
        Blank(id="param", options=_opts("p1", "p2"), answer="p2")],
        option_explanations=_notes("c1", "c2", "c3", "p1", "p2"), **base)


def command(qid="c1", objective="1.1", skill="1.1.a", **extra) -> CommandQuestion:
    return CommandQuestion(type="command", topology="standalone-pair",
                           checks=[{"host": "HV2", "property": "VirtualMachineMigrationEnabled", "equals": True}],
                           solution="Enable-VMMigration -ComputerName HV2", **common(qid, objective, skill, **extra))


def exam(form_size=10, duration=30, weights=(60, 40)) -> Exam:
    return Exam(id="t", title="Test exam", duration_minutes=duration, form_size=form_size, objectives=[
        Objective(id="1.1", title="One", weight=weights[0],
                  skills=[SubSkill(id="1.1.a", title="A"), SubSkill(id="1.1.b", title="B")]),
        Objective(id="1.2", title="Two", weight=weights[1],
                  skills=[SubSkill(id="1.2.a", title="C"), SubSkill(id="1.2.b", title="D")])])


def catalog(questions, the_exam=None, scenarios=()) -> Catalog:
    return Catalog(Path("."), the_exam or exam(),
                   {q.id: Located(q, "test.yaml", None) for q in questions},
                   {s.id: Located(s, "test.yaml", None) for s in scenarios})


def bank(per_skill: int = 5) -> list:
    """``per_skill`` single items in each of the four sub-skills."""
    out = []
    for skill in ("1.1.a", "1.1.b", "1.2.a", "1.2.b"):
        for i in range(per_skill):
            out.append(single(f"{skill}-{i}", skill[:3], skill))
    return out


class Clock:
    """A settable clock for deadlines."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


SCENARIO = Scenario(id="case", title="A case", text="A case study text long enough to be valid.")
