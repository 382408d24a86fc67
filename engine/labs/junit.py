"""Lab check results as JUnit XML, the shape CI servers (Jenkins, GitLab, Azure Pipelines) read.

    <testsuites name="labs" tests= failures= errors= skipped= time=>
      <testsuite name="LAB" tests= failures= errors= skipped= time=>          one per lab
        <testcase classname="LAB.STEP" name="host=HV1 VirtualMachineMigrationEnabled equals True" time=>
          <failure message="expected True, actual False" type="CheckFailed">the learner's sentence</failure>
          or <skipped message="step 'performance' needs step 'enable' (…) first"/>

One test case per check, named after what it looks at (stable across runs, unlike the result sentence, which
carries the actual value). A step whose ``needs`` are not met is not evaluated: its checks are skipped.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.content.checks import OPERATORS, SELECTORS
from engine.labs.checks import show

if TYPE_CHECKING:
    from engine.content.checks import Check
    from engine.content.models import Lab
    from engine.labs.session import CheckReport, NeedsFirst


@dataclass(frozen=True)
class SuiteRun:
    """One lab's check outcomes in step order, and how long checking took (seconds)."""

    lab: "Lab"
    outcomes: list["CheckReport | NeedsFirst"]
    seconds: float


def describe(check: "Check") -> str:
    """``check`` in one line: its id when it has one, else selectors, property, operator and operand."""
    if check.id:
        return check.id
    parts = [f"{s}={show(getattr(check, s))}" for s in SELECTORS if getattr(check, s) is not None]
    if check.property:
        parts.append(check.property)
    op = next(o for o in OPERATORS if check.operand_set(o))
    parts.append(f"{op} {show(check.operand)}")
    return " ".join(parts)


def _case(suite: ET.Element, classname: str, name: str, seconds: float) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=classname, name=name, time=f"{seconds:.6f}")


def _suite(root: ET.Element, run: SuiteRun) -> dict[str, int]:
    suite = ET.SubElement(root, "testsuite", name=run.lab.id)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    n_checks = sum(len(run.lab.step(o.step_id).checks) for o in run.outcomes) or 1
    per_case = run.seconds / n_checks  # one snapshot serves every check, so its cost is shared evenly
    for outcome in run.outcomes:
        step = run.lab.step(outcome.step_id)
        classname = f"{run.lab.id}.{step.id}"
        results = getattr(outcome, "results", None)
        for i, check in enumerate(step.checks):
            case = _case(suite, classname, f"{i + 1}. {describe(check)}", per_case)
            counts["tests"] += 1
            if results is None:
                ET.SubElement(case, "skipped", message=str(outcome))
                counts["skipped"] += 1
            elif not results[i].passed:
                failure = ET.SubElement(case, "failure", type="CheckFailed",
                                        message=f"expected {results[i].expected}, actual {results[i].actual}")
                failure.text = results[i].message
                counts["failures"] += 1
    suite.attrib.update({k: str(v) for k, v in counts.items()}, time=f"{run.seconds:.6f}")
    return counts


def to_junit(runs: list[SuiteRun]) -> str:
    """The JUnit XML document for ``runs`` (one testsuite each), with an XML declaration."""
    root = ET.Element("testsuites", name="labs")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for run in runs:
        for key, value in _suite(root, run).items():
            totals[key] += value
    root.attrib.update({k: str(v) for k, v in totals.items()}, time=f"{sum(r.seconds for r in runs):.6f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


__all__ = ["SuiteRun", "describe", "to_junit"]
