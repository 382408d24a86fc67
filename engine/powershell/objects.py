"""Runtime values: PSObject (with real PowerShell property names), Hashtable, PSEnum, ScriptBlock.

Plain Python values stand for .NET ones: ``None`` is $null, ``str``/``int``/``float``/``bool`` the primitives,
``list`` an ``object[]``. Other engine objects (jobs, error records, command infos) implement ``ps_adapt()``
and are seen by scripts and formatters through the PSObject it returns.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Callable

PSCUSTOMOBJECT = "System.Management.Automation.PSCustomObject"


class PSObject:
    """An object with ordered, case-insensitively named properties and a list of type names.

    ``setters`` maps property names to callbacks run on assignment (``$vm.Prop = 1``,
    ``(Get-Cluster).DrainOnShutdown = 0``): the callback receives the new value, may raise a LabError, and
    may return the value to store (None keeps the assigned one). Without a setter, assignment works only on
    ``mutable`` objects (custom objects); typed objects report a read-only property. ``ref`` is an opaque
    reference to the domain object (the lab's VM), for cmdlets that receive this object from the pipeline.
    ``display`` is what ``ToString()`` gives (default: ``@{a=1; b=2}`` for custom objects, else the type name).
    """

    __slots__ = ("_props", "type_names", "setters", "ref", "mutable", "display")

    def __init__(self, properties: Mapping[str, Any] | Iterable[tuple[str, Any]] = (),
                 type_names: Iterable[str] = (), *, setters: Mapping[str, Callable[[Any], Any]] | None = None,
                 ref: Any = None, mutable: bool | None = None, display: str | None = None) -> None:
        self._props: dict[str, list] = {}
        items = properties.items() if isinstance(properties, Mapping) else properties
        for name, value in items:
            self._props[name.lower()] = [name, value]
        self.type_names = list(type_names) or [PSCUSTOMOBJECT]
        self.setters = {k.lower(): v for k, v in (setters or {}).items()}
        self.ref = ref
        self.mutable = (PSCUSTOMOBJECT in self.type_names) if mutable is None else mutable
        self.display = display

    @property
    def type_name(self) -> str:
        """The most specific type name (what views are looked up by first)."""
        return self.type_names[0]

    def names(self) -> list[str]:
        """Property names in order, with their real casing."""
        return [entry[0] for entry in self._props.values()]

    def items(self) -> list[tuple[str, Any]]:
        """(name, value) pairs in order."""
        return [(entry[0], entry[1]) for entry in self._props.values()]

    def has(self, name: str) -> bool:
        """Whether the property exists (case-insensitive)."""
        return name.lower() in self._props

    def canonical(self, name: str) -> str | None:
        """The property's real name, or None."""
        entry = self._props.get(name.lower())
        return entry[0] if entry else None

    def get(self, name: str, default: Any = None) -> Any:
        """A property value (case-insensitive), or ``default``."""
        entry = self._props.get(name.lower())
        return entry[1] if entry else default

    def __getitem__(self, name: str) -> Any:
        entry = self._props.get(name.lower())
        if entry is None:
            raise KeyError(name)
        return entry[1]

    def add(self, name: str, value: Any) -> None:
        """Add or replace a property without running setters (for building objects)."""
        entry = self._props.get(name.lower())
        if entry:
            entry[1] = value
        else:
            self._props[name.lower()] = [name, value]

    def assign(self, name: str, value: Any) -> str:
        """Script assignment: runs the setter; returns "ok", "missing" or "readonly"."""
        entry = self._props.get(name.lower())
        if entry is None:
            return "missing"
        setter = self.setters.get(name.lower())
        if setter is not None:
            stored = setter(value)
            entry[1] = value if stored is None else stored
            return "ok"
        if not self.mutable:
            return "readonly"
        entry[1] = value
        return "ok"

    def __repr__(self) -> str:
        return f"PSObject({self.type_name}, {dict(self.items())!r})"


class Hashtable(MutableMapping):
    """PowerShell's ``@{}``: insertion-ordered, string keys compared case-insensitively."""

    __slots__ = ("_d",)

    def __init__(self, items: Mapping | Iterable[tuple[Any, Any]] = ()) -> None:
        self._d: dict[Any, list] = {}
        for k, v in (items.items() if isinstance(items, Mapping) else items):
            self[k] = v

    @staticmethod
    def _fold(key: Any) -> Any:
        if isinstance(key, str):
            return key.lower()
        if isinstance(key, list):  # an array key (@{(1, 2) = 'x'}) compares by its elements
            return ("array",) + tuple(Hashtable._fold(k) for k in key)
        try:
            hash(key)
        except TypeError:  # other mutable keys (a hashtable as a key) compare by identity
            return ("object", id(key))
        return key

    def __getitem__(self, key: Any) -> Any:
        return self._d[self._fold(key)][1]

    def __setitem__(self, key: Any, value: Any) -> None:
        entry = self._d.get(self._fold(key))
        if entry:
            entry[1] = value
        else:
            self._d[self._fold(key)] = [key, value]

    def __delitem__(self, key: Any) -> None:
        del self._d[self._fold(key)]

    def __iter__(self) -> Iterator:
        return (entry[0] for entry in self._d.values())

    def __len__(self) -> int:
        return len(self._d)

    def __contains__(self, key: object) -> bool:
        try:
            return self._fold(key) in self._d
        except TypeError:
            return False

    def __repr__(self) -> str:
        return f"Hashtable({dict(self.items())!r})"


@dataclass(frozen=True)
class PSEnum:
    """A .NET enum value: shows its ``name``, serialises to JSON as ``value``, compares with either."""

    name: str
    value: int
    type_name: str

    def __str__(self) -> str:
        return self.name


class ScriptBlock:
    """A ``{ … }`` value: the parsed body plus its text (``ToString()`` gives the text between the braces)."""

    __slots__ = ("body", "text", "source")

    def __init__(self, body, text: str, source: str) -> None:
        self.body, self.text, self.source = body, text, source

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"ScriptBlock({{{self.text}}})"


def adapt(value: Any) -> Any:
    """Engine objects (jobs, error records…) as the PSObject scripts see; other values unchanged."""
    hook = getattr(value, "ps_adapt", None)
    return hook() if hook is not None else value
