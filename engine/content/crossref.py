"""Cross-file rules: every reference between content files must resolve (run after per-file validation)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from engine.content.checks import Check
from engine.content.models import CommandQuestion
from engine.content.topology import Topology
from engine.errors import Problem

if TYPE_CHECKING:
    from engine.content.loader import Catalog, Located


def cross_check(catalog: "Catalog") -> list[Problem]:
    problems: list[Problem] = []
    problems += _questions(catalog)
    problems += _labs(catalog)
    return problems


def _objective_and_skill(catalog: "Catalog", loc: "Located", objective: str, skill: str | None,
                         path_prefix: str = "") -> list[Problem]:
    exam = catalog.exam
    if exam is None:
        return []
    obj = exam.objective(objective)
    if obj is None:
        known = ", ".join(o.id for o in exam.objectives)
        return [Problem(loc.file, loc.line("objective"), f"{path_prefix}objective",
                        f"objective '{objective}' is not in the exam blueprint ({known})")]
    if skill is not None and skill not in {s.id for s in obj.skills}:
        known = ", ".join(s.id for s in obj.skills)
        return [Problem(loc.file, loc.line("skill"), f"{path_prefix}skill",
                        f"skill '{skill}' is not a sub-skill of objective {objective} ({known})")]
    return []


def _questions(catalog: "Catalog") -> list[Problem]:
    problems: list[Problem] = []
    stems: dict[str, str] = {}
    for qid, loc in catalog.questions.items():
        q = loc.model
        problems += _objective_and_skill(catalog, loc, q.objective, q.skill)
        if q.scenario is not None and q.scenario not in catalog.scenarios:
            problems.append(Problem(loc.file, loc.line("scenario"), "scenario",
                                    f"scenario '{q.scenario}' is not defined in questions/scenarios.yaml"))
        if q.lab is not None:
            lab_id, step_id = q.lab.split("#", 1)
            lab = catalog.lab(lab_id)
            if lab is None:
                problems.append(Problem(loc.file, loc.line("lab"), "lab", f"lab '{lab_id}' does not exist"))
            elif lab.step(step_id) is None:
                problems.append(Problem(loc.file, loc.line("lab"), "lab",
                                        f"lab '{lab_id}' has no step '{step_id}'"))
        key = " ".join(q.stem.lower().split())
        if key in stems:
            problems.append(Problem(loc.file, loc.line("stem"), "stem",
                                    f"same stem as question '{stems[key]}'"))
        stems.setdefault(key, qid)
        if isinstance(q, CommandQuestion):
            topo = _resolve_topology(catalog, loc, q.topology, problems)
            if topo is not None:
                problems += _check_names(loc, topo, q.checks, "checks")
    return problems


def _resolve_topology(catalog: "Catalog", loc: "Located", ref, problems: list[Problem]) -> Topology | None:
    topo = catalog.topology(ref)
    if topo is None:
        known = ", ".join(sorted(catalog.topologies)) or "none"
        problems.append(Problem(loc.file, loc.line("topology"), "topology",
                                f"topology '{ref}' is not a file in labs/topologies (known: {known})"))
    return topo


def _labs(catalog: "Catalog") -> list[Problem]:
    problems: list[Problem] = []
    for lab_id, loc in catalog.labs.items():
        lab = loc.model
        for i, obj in enumerate(lab.objectives):
            if catalog.exam is not None and catalog.exam.objective(obj) is None:
                problems.append(Problem(loc.file, loc.line("objectives", i), f"objectives[{i}]",
                                        f"objective '{obj}' is not in the exam blueprint"))
        skills = catalog.exam.skill_ids() if catalog.exam else set()
        for i, sk in enumerate(lab.skills):
            if catalog.exam is not None and sk not in skills:
                problems.append(Problem(loc.file, loc.line("skills", i), f"skills[{i}]",
                                        f"skill '{sk}' is not a sub-skill in the exam blueprint"))
        topo = _resolve_topology(catalog, loc, lab.topology, problems)
        for si, step in enumerate(lab.steps):
            for qi, qid in enumerate(step.questions):
                if qid not in catalog.questions:
                    problems.append(Problem(loc.file, loc.line("steps", si, "questions", qi),
                                            f"steps[{si}].questions[{qi}]", f"question '{qid}' does not exist"))
            if topo is not None:
                problems += _check_names(loc, topo, step.checks, f"steps[{si}].checks", ("steps", si, "checks"))
        if topo is not None:
            hosts = {h.lower() for h in topo.host_names()}
            for fi, fault in enumerate(lab.setup.faults):
                if fault.host.lower() not in hosts:
                    problems.append(Problem(loc.file, loc.line("setup", "faults", fi, "host"),
                                            f"setup.faults[{fi}].host",
                                            f"host '{fault.host}' is not in topology '{topo.name}'"))
    return problems


def _check_names(loc: "Located", topo: Topology, checks: list[Check], path: str,
                 raw: tuple = ("checks",)) -> list[Problem]:
    """Hosts, VMs, clusters and nodes named in checks must exist in the topology."""
    problems = []
    hosts = {h.lower() for h in topo.host_names()}
    vms = {v.lower() for v in topo.vm_names()}
    clusters = {c.name.lower() for c in topo.clusters}
    for i, check in enumerate(checks):
        wanted = [("host", check.host, hosts), ("vm", check.vm, vms), ("group", check.group, vms),
                  ("cluster", check.cluster, clusters), ("node", check.node, hosts),
                  ("delegation", check.delegation, hosts)]
        for key, value, known in wanted:
            if value is not None and value.lower() not in known:
                problems.append(Problem(loc.file, loc.line(*raw, i, key), f"{path}[{i}].{key}",
                                        f"{key} '{value}' is not in topology '{topo.name}'"))
    return problems
