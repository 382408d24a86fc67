"""Content models: the exam blueprint, questions, case-study scenarios and labs (pydantic v2, unknown keys refused).

Question keys are a contract: id, objective, skill, type, stem, the type's answer fields, explanation,
option_explanations, references, lab, difficulty, unscored, scenario.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from engine.content.checks import Check
from engine.content.topology import Topology

ID = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=80)]
BLANK = re.compile(r"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- exam blueprint ---------------------------------------------------------------------------------------------

class SubSkill(Strict):
    id: ID
    title: str


class Objective(Strict):
    id: Annotated[str, Field(pattern=r"^\d+\.\d+$")]
    title: str
    weight: float = Field(gt=0, le=100, description="percent of the exam")
    skills: list[SubSkill] = Field(min_length=1)


class Exam(Strict):
    id: str
    title: str
    passing_score: int = Field(700, ge=1, le=1000)
    max_score: int = 1000
    duration_minutes: int = Field(120, gt=0)
    form_size: int = Field(50, gt=0, description="items on one exam-simulation form")
    objectives: list[Objective] = Field(min_length=1)

    def skill_ids(self) -> set[str]:
        return {s.id for o in self.objectives for s in o.skills}

    def objective(self, objective_id: str) -> Objective | None:
        return next((o for o in self.objectives if o.id == objective_id), None)


# --- questions --------------------------------------------------------------------------------------------------

class Reference(Strict):
    title: str
    url: HttpUrl

    @field_validator("url")
    @classmethod
    def _https(cls, v: HttpUrl) -> HttpUrl:
        if v.scheme != "https":
            raise ValueError("references must use https")
        return v


class Option(Strict):
    id: ID
    text: str = Field(min_length=1)


class QuestionBase(Strict):
    id: ID
    objective: str
    skill: str
    stem: str = Field(min_length=10)
    explanation: str = Field(min_length=10)
    option_explanations: dict[str, str] = {}
    references: list[Reference] = Field(min_length=1)
    lab: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]+#[A-Za-z0-9._-]+$")] | None = None
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    unscored: bool = False
    scenario: str | None = None

    def explained_ids(self) -> list[str]:
        """Ids that need an entry in option_explanations."""
        return []

    @model_validator(mode="after")
    def _explanations(self) -> "QuestionBase":
        need = self.explained_ids()
        missing = [i for i in need if not self.option_explanations.get(i, "").strip()]
        extra = [k for k in self.option_explanations if k not in need]
        if missing:
            raise ValueError(f"option_explanations has no explanation for {', '.join(missing)}")
        if extra:
            raise ValueError(f"option_explanations names {', '.join(extra)}, which are not options")
        return self


def _option_ids(options: list[Option]) -> list[str]:
    ids = [o.id for o in options]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"option id {', '.join(dup)} is used twice")
    return ids


def _one_option(v: str, info) -> str:
    """An ``answer`` naming one of the item's ``options``."""
    ids = _option_ids(info.data.get("options") or [])
    if ids and v not in ids:
        raise ValueError(f"answer '{v}' is not an option id ({', '.join(ids)})")
    return v


def _some_options(v: list[str], info, what: str) -> list[str]:
    """An ``answer`` listing distinct ``options`` ids (``what`` names them in the message: option, step)."""
    ids = _option_ids(info.data.get("options") or [])
    bad = [a for a in v if ids and a not in ids]
    if bad:
        raise ValueError(f"answer {', '.join(bad)} is not an option id ({', '.join(ids)})")
    if len(set(v)) != len(v):
        raise ValueError(f"answer names {what} twice")
    return v


class SingleQuestion(QuestionBase):
    """One right option (radio buttons)."""

    type: Literal["single"]
    options: list[Option] = Field(min_length=2)
    answer: str

    _answer = field_validator("answer")(_one_option)

    def explained_ids(self) -> list[str]:
        return [o.id for o in self.options]


class MultipleQuestion(QuestionBase):
    """Several right options; the stem says how many (``choose``)."""

    type: Literal["multiple"]
    options: list[Option] = Field(min_length=3)
    answer: list[str] = Field(min_length=2)

    @field_validator("answer")
    @classmethod
    def _answer(cls, v: list[str], info) -> list[str]:
        _some_options(v, info, "an option")
        if info.data.get("options") and len(v) >= len(info.data["options"]):
            raise ValueError("every option is right: use fewer right answers or more options")
        return v

    @property
    def choose(self) -> int:
        return len(self.answer)

    def explained_ids(self) -> list[str]:
        return [o.id for o in self.options]


class OrderQuestion(QuestionBase):
    """Build list and reorder: pick the needed steps (distractors allowed) and put them in order."""

    type: Literal["order"]
    options: list[Option] = Field(min_length=3)
    answer: list[str] = Field(min_length=2, description="the right steps, in order")

    @field_validator("answer")
    @classmethod
    def _answer(cls, v: list[str], info) -> list[str]:
        return _some_options(v, info, "a step")

    def explained_ids(self) -> list[str]:
        return [o.id for o in self.options]


class MatchQuestion(QuestionBase):
    """Drag and drop: match each left item with one right item (right items may be reused or unused)."""

    type: Literal["match"]
    left: list[Option] = Field(min_length=2)
    right: list[Option] = Field(min_length=2)
    answer: dict[str, str]

    @field_validator("answer")
    @classmethod
    def _answer(cls, v: dict[str, str], info) -> dict[str, str]:
        left = _option_ids(info.data.get("left") or [])
        right = _option_ids(info.data.get("right") or [])
        if left and set(v) != set(left):
            raise ValueError(f"answer must pair every left item exactly once ({', '.join(left)})")
        bad = [r for r in v.values() if right and r not in right]
        if bad:
            raise ValueError(f"answer pairs with {', '.join(bad)}, which is not a right item ({', '.join(right)})")
        return v

    def explained_ids(self) -> list[str]:
        return [o.id for o in self.left] + [o.id for o in self.right if o.id not in {x.id for x in self.left}]


class Blank(Strict):
    id: ID
    options: list[Option] = Field(min_length=2)
    answer: str

    _answer = field_validator("answer")(_one_option)


class DropdownQuestion(QuestionBase):
    """Hot area / dropdowns: the stem holds ``{{blank-id}}`` markers, each answered from a list."""

    type: Literal["dropdown"]
    blanks: list[Blank] = Field(min_length=1)

    @model_validator(mode="after")
    def _blanks_in_stem(self) -> "DropdownQuestion":
        in_stem = BLANK.findall(self.stem)
        ids = [b.id for b in self.blanks]
        if sorted(in_stem) != sorted(ids):
            raise ValueError(f"stem markers {{{{…}}}} ({', '.join(in_stem) or 'none'}) must match blanks "
                             f"({', '.join(ids)}) one to one")
        all_opts = [o.id for b in self.blanks for o in b.options]
        dup = sorted({i for i in all_opts if all_opts.count(i) > 1})
        if dup:
            raise ValueError(f"option ids must be unique across blanks (they key option_explanations): "
                             f"{', '.join(dup)}")
        return self

    def explained_ids(self) -> list[str]:
        return [o.id for b in self.blanks for o in b.options]


class CommandQuestion(QuestionBase):
    """Answered by typing PowerShell; graded by running it on a fresh emulated lab and checking the state."""

    type: Literal["command"]
    topology: str | Topology
    setup: str = ""
    checks: list[Check] = Field(min_length=1)
    solution: str = Field(min_length=1, description="a model answer; the self-test runs it")
    logon: str | None = Field(None, description="where the learner's console runs; default: the topology's")


Question = Annotated[
    Union[SingleQuestion, MultipleQuestion, OrderQuestion, MatchQuestion, DropdownQuestion, CommandQuestion],
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single", "multiple", "order", "match", "dropdown", "command")


class Scenario(Strict):
    """A case study shared by several questions (``scenario: <id>``)."""

    id: ID
    title: str
    text: str = Field(min_length=20)


# --- labs -------------------------------------------------------------------------------------------------------

FaultKind = Literal["nic_down", "switch_renamed", "delegation_removed", "cpu_vendor", "memory_exhausted",
                    "node_down", "migration_disabled", "share_access_removed"]


class Fault(Strict):
    """A problem injected into the lab at setup, for the learner to diagnose."""

    kind: FaultKind
    host: str
    nic: str | None = None
    switch: str | None = None
    new_name: str | None = None
    vendor: Literal["Intel", "AMD"] | None = None
    free_mb: int | None = Field(None, ge=0)
    service: str | None = None
    share: str | None = None

    @model_validator(mode="after")
    def _params(self) -> "Fault":
        need = {"nic_down": ["nic"], "switch_renamed": ["switch", "new_name"], "cpu_vendor": ["vendor"],
                "memory_exhausted": ["free_mb"], "share_access_removed": ["share"]}.get(self.kind, [])
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"fault '{self.kind}' needs {', '.join(missing)}")
        return self


class Setup(Strict):
    script: str = ""
    faults: list[Fault] = []


class Step(Strict):
    id: ID
    title: str
    instructions: str = Field(min_length=10)
    hints: list[str] = []
    checks: list[Check] = Field(min_length=1)
    solution: str = Field(min_length=1)
    needs: list[str] = []
    logon: str | None = Field(None, description="where the solution runs; default: the lab's learner logon")
    questions: list[str] = Field([], description="question ids this step teaches")
    expect_errors: list[str] = Field([], description=(
        "catalogue ids of the errors the solution hits on purpose (a step that teaches a failure, checked with "
        "an `event` check): 'Do it for me' and the self-test accept exactly these, any other error still fails"))

    @field_validator("expect_errors")
    @classmethod
    def _known_errors(cls, ids: list[str]) -> list[str]:
        from engine.hyperv.catalogue import CATALOGUE  # the content layer needs the catalogue only here

        unknown = [i for i in ids if i not in CATALOGUE]
        if unknown:
            raise ValueError(f"expect_errors: {', '.join(unknown)} is not in the error catalogue")
        return ids


class Lab(Strict):
    id: ID
    title: str
    summary: str = ""
    objectives: list[str] = Field(min_length=1)
    skills: list[str] = []
    topology: str | Topology
    setup: Setup = Setup()
    cleanup: str = Field("", description="PowerShell that restores a real lab (Reset lab on real hosts)")
    estimated_minutes: int = Field(ge=5, le=120)
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _steps(self) -> "Lab":
        ids = [s.id for s in self.steps]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"step id {', '.join(dup)} is used twice")
        for s in self.steps:
            bad = [n for n in s.needs if n not in ids]
            if bad:
                raise ValueError(f"step {s.id} needs {', '.join(bad)}, which is not a step of this lab")
        return self

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


__all__ = [
    "Exam", "Objective", "SubSkill", "Question", "QUESTION_TYPES", "SingleQuestion", "MultipleQuestion",
    "OrderQuestion", "MatchQuestion", "DropdownQuestion", "CommandQuestion", "Option", "Blank", "Reference",
    "Scenario", "Lab", "Step", "Setup", "Fault",
]
