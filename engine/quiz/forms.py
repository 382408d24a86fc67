"""Draw an exam-simulation form from the bank, reproducibly from a seed.

1. ``form_size`` (capped at the bank size) is apportioned to objectives by weight with the largest-remainder
   method. An objective whose bank cannot fill its share gives the shortfall back, and the shortfall is
   apportioned again among objectives that still have items.
2. Items sharing a ``scenario`` form one unit that is drawn whole (it counts against the objective of its first
   item); a unit that does not fit the remaining share is passed over.
3. Within an objective units are taken round-robin across sub-skills (skill order and order within a skill
   shuffled by the seed), so a small share still touches several sub-skills.
4. The drawn units are shuffled; a scenario's items stay together in bank order.
"""
from __future__ import annotations

import math
import random
from collections import defaultdict

from engine.quiz.errors import QuizError


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` seats by ``weights`` (largest remainder; ties go to the key listed first)."""
    if total < 0:
        raise ValueError("total must be >= 0")
    keys = [k for k, w in weights.items() if w > 0]
    if not keys:
        return {k: 0 for k in weights}
    whole = sum(weights[k] for k in keys)
    quotas = {k: total * weights[k] / whole for k in keys}
    seats = {k: math.floor(q) for k, q in quotas.items()}
    left = total - sum(seats.values())
    by_remainder = sorted(keys, key=lambda k: (-(quotas[k] - seats[k]), keys.index(k)))
    for k in by_remainder[:left]:
        seats[k] += 1
    return {k: seats.get(k, 0) for k in weights}


def _units(questions: list) -> list[list]:
    """Questions grouped into draw units: one per scenario (bank order kept), one per stand-alone item."""
    units: list[list] = []
    by_scenario: dict[str, list] = {}
    for q in questions:
        if q.scenario is None:
            units.append([q])
        elif q.scenario in by_scenario:
            by_scenario[q.scenario].append(q)
        else:
            by_scenario[q.scenario] = [q]
            units.append(by_scenario[q.scenario])
    return units


def _spread(units: list[list], rng: random.Random) -> list[list]:
    """Units of one objective in round-robin order over sub-skills."""
    by_skill: dict[str, list[list]] = defaultdict(list)
    for unit in units:
        by_skill[unit[0].skill].append(unit)
    skills = sorted(by_skill)
    rng.shuffle(skills)
    for s in skills:
        rng.shuffle(by_skill[s])
    order = []
    for round_ in range(max(len(v) for v in by_skill.values())):
        order += [by_skill[s][round_] for s in skills if round_ < len(by_skill[s])]
    return order


def draw_form(exam, questions: list, seed: int) -> list[str]:
    """Question ids of one form for ``exam`` drawn from ``questions`` (in bank order) with ``seed``."""
    rng = random.Random(seed)
    weights = {o.id: o.weight for o in exam.objectives}
    grouped: dict[str, list[list]] = defaultdict(list)
    for unit in _units(questions):
        if unit[0].objective in weights:
            grouped[unit[0].objective].append(unit)
    queues = {o: _spread(grouped[o], rng) for o in weights if grouped[o]}
    if not queues:
        raise QuizError("exam.no_items", "the bank has no items for the exam's objectives")
    to_place = min(exam.form_size, sum(len(u) for q in queues.values() for u in q))
    drawn: list[list] = []
    while to_place > 0 and queues:
        shares = apportion(to_place, {o: weights[o] for o in queues})
        placed = 0
        for o, share in shares.items():
            room, kept = share, []
            for unit in queues[o]:
                if len(unit) <= room:
                    drawn.append(unit)
                    room -= len(unit)
                else:
                    kept.append(unit)
            placed += share - room
            # Whatever an objective could not fit into its share is larger than the room it had left; dropping
            # it lets the shortfall go to objectives that can still fill it.
            queues[o] = kept if room == 0 else []
        queues = {o: q for o, q in queues.items() if q}
        to_place -= placed
        if placed == 0:
            break
    rng.shuffle(drawn)
    return [q.id for unit in drawn for q in unit]


__all__ = ["apportion", "draw_form"]
