"""How an item is shown: the display order of its options, drawn once from a seeded RNG and then stored.

Only display order is shuffled, never the key: an ``order`` item's options appear shuffled but its answer
order stays the truth; a ``match`` item keeps its left column and shuffles the right one; a ``dropdown``
shuffles each blank's list.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from engine.content.models import DropdownQuestion, MatchQuestion


@dataclass(frozen=True)
class Presentation:
    """Display order of option ids; ``options`` for single/multiple/order, ``right`` for match, ``blanks``."""

    options: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    blanks: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"options": list(self.options), "right": list(self.right),
                "blanks": {k: list(v) for k, v in self.blanks.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Presentation":
        """Rebuild from ``to_dict`` output."""
        return cls(tuple(data["options"]), tuple(data["right"]), {k: tuple(v) for k, v in data["blanks"].items()})


def _order(ids: list[str], rng: random.Random | None) -> tuple[str, ...]:
    if rng is not None:
        rng.shuffle(ids)
    return tuple(ids)


def present(question, rng: random.Random | None) -> Presentation:
    """The display order for ``question``: shuffled with ``rng``, or the bank's order when ``rng`` is None."""
    if isinstance(question, MatchQuestion):
        return Presentation(right=_order([o.id for o in question.right], rng))
    if isinstance(question, DropdownQuestion):
        return Presentation(blanks={b.id: _order([o.id for o in b.options], rng) for b in question.blanks})
    options = getattr(question, "options", None)
    if options is None:  # command items have nothing to shuffle
        return Presentation()
    return Presentation(options=_order([o.id for o in options], rng))


__all__ = ["Presentation", "present"]
