"""Declaring cmdlets: parameters with PowerShell's attributes, parameter sets, and a per-runspace registry.

    Cmdlet("Move-VM", "Microsoft.HyperV.PowerShell.Commands.MoveVMCommand", MoveVM,
           [Param("Name", "string", sets=["Name"], mandatory=True, position=0, pipeline_by_name=True),
            Param("VM", "psobject[]", type_name="Microsoft.HyperV.PowerShell.VirtualMachine", sets=["VM"],
                  mandatory=True, position=0, pipeline=True),
            Param("DestinationHost", "string", sets=["Name", "VM"], mandatory=True, position=1)],
           default_set="Name", supports_as_job=True, supports_should_process=True,
           synopsis="Moves a virtual machine to a new Hyper-V host.", module="Hyper-V")

A parameter declared with no ``sets`` belongs to every set. Declaring the same name again with other sets gives
it different attributes per set (PowerShell's several [Parameter()] attributes). The implementation is a
CmdletImpl subclass (one instance per invocation, so begin/process/end can keep state) or a plain function
``f(ctx, params)`` used as ``process``. ``params`` maps canonical parameter names to bound, converted values.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from engine.powershell.views import ViewRegistry

ALL_SETS = "__AllParameterSets"
PARAM_TYPES = {
    "string": "System.String", "int": "System.Int32", "uint": "System.UInt32", "long": "System.Int64",
    "double": "System.Double", "bool": "System.Boolean", "switch": "System.Management.Automation.SwitchParameter",
    "hashtable": "System.Collections.Hashtable", "object": "System.Object",
    "scriptblock": "System.Management.Automation.ScriptBlock", "enum": "", "psobject": "",
}


@dataclass(frozen=True)
class Param:
    """One parameter declaration.

    ``type``: string, int, uint, long, double, bool, switch, hashtable, object, scriptblock, enum, psobject, each
    optionally with ``[]``. ``values``: the allowed values (ValidateSet for strings; the names for enums).
    ``type_name``: the .NET enum type (for enums) or the PowerShell type name a psobject must carry.
    ``pipeline``/``pipeline_by_name``: ValueFromPipeline / ValueFromPipelineByPropertyName.
    ``remaining``: ValueFromRemainingArguments.
    """

    name: str
    type: str = "string"
    sets: tuple[str, ...] | list[str] = ()
    mandatory: bool = False
    position: int | None = None
    pipeline: bool = False
    pipeline_by_name: bool = False
    aliases: tuple[str, ...] | list[str] = ()
    values: tuple[str, ...] | list[str] = ()
    type_name: str = ""
    remaining: bool = False


@dataclass(frozen=True)
class SetAttributes:
    """A parameter's attributes within one parameter set."""

    mandatory: bool
    position: int | None
    pipeline: bool
    pipeline_by_name: bool


class ParameterInfo:
    """A parameter merged from its declarations: type, names, and attributes per parameter set."""

    def __init__(self, decl: Param, common: bool = False) -> None:
        base = decl.type.lower()
        self.is_array = base.endswith("[]")
        self.element = base[:-2] if self.is_array else base
        if self.element not in PARAM_TYPES:
            raise ValueError(f"parameter {decl.name}: unknown type {decl.type!r}")
        if self.element == "enum" and not decl.values:
            raise ValueError(f"parameter {decl.name}: an enum needs its values")
        self.name, self.type = decl.name, base
        self.aliases = tuple(decl.aliases)
        self.values = tuple(decl.values)
        self.type_name = decl.type_name
        self.remaining = decl.remaining
        self.common = common
        self.all_sets: SetAttributes | None = None
        self.sets: dict[str, SetAttributes] = {}
        self.add(decl)

    def add(self, decl: Param) -> None:
        """Merge another declaration of the same parameter."""
        if decl.type.lower() != self.type:
            raise ValueError(f"parameter {decl.name} declared with two types")
        attrs = SetAttributes(decl.mandatory, decl.position, decl.pipeline, decl.pipeline_by_name)
        if not decl.sets:
            self.all_sets = attrs
        for set_name in decl.sets:
            self.sets[set_name] = attrs

    def attrs(self, set_name: str) -> SetAttributes | None:
        """Attributes in ``set_name``, or None when the parameter is not in that set."""
        return self.sets.get(set_name) or self.all_sets

    def in_sets(self, set_names: Iterable[str]) -> set[str]:
        """The subset of ``set_names`` this parameter belongs to."""
        return {s for s in set_names if self.attrs(s) is not None}

    @property
    def everywhere(self) -> bool:
        """Whether the parameter belongs to every parameter set."""
        return self.all_sets is not None

    @property
    def names(self) -> tuple[str, ...]:
        """The name and aliases."""
        return (self.name,) + self.aliases

    @property
    def dotnet_type(self) -> str:
        """The .NET type name PowerShell shows in messages (``System.String[]``)."""
        full = PARAM_TYPES[self.element] or self.type_name or "System.Management.Automation.PSObject"
        return full + ("[]" if self.is_array else "")

    def mandatory_anywhere(self) -> bool:
        """Mandatory in at least one parameter set."""
        return any(a.mandatory for a in ([self.all_sets] if self.all_sets else []) + list(self.sets.values()))


class CmdletImpl:
    """Base class of cmdlet implementations; one instance per invocation. Override what you need.

    ``begin`` and ``end`` see the parameters bound from the command line; ``process`` runs once per pipeline
    input object (or once when there is no pipeline input) with the parameters bound from that object too.
    """

    def begin(self, ctx, params: dict[str, Any]) -> None:
        """Before the first input object."""

    def process(self, ctx, params: dict[str, Any]) -> None:
        """For each input object."""

    def end(self, ctx, params: dict[str, Any]) -> None:
        """After the last input object."""


class _FunctionImpl(CmdletImpl):
    def __init__(self, fn: Callable[[Any, dict], None]) -> None:
        self.fn = fn

    def process(self, ctx, params):
        self.fn(ctx, params)


class Cmdlet:
    """A cmdlet declaration (see the module docstring)."""

    def __init__(self, name: str, command_class: str, implementation: type[CmdletImpl] | Callable,
                 parameters: Iterable[Param] = (), *, default_set: str | None = None, synopsis: str = "",
                 syntax: str | None = None, supports_should_process: bool = False, supports_as_job: bool = False,
                 module: str = "Microsoft.PowerShell.Core", aliases: Iterable[str] = (), output_type: str = "") -> None:
        self.name, self.command_class, self.implementation = name, command_class, implementation
        self.synopsis, self.syntax, self.module, self.output_type = synopsis, syntax, module, output_type
        self.supports_should_process, self.supports_as_job = supports_should_process, supports_as_job
        self.aliases = tuple(aliases)
        decls = list(parameters)
        if supports_as_job and not any(p.name.lower() == "asjob" for p in decls):
            decls.append(Param("AsJob", "switch"))
        self.parameters: dict[str, ParameterInfo] = {}
        set_names: list[str] = []
        for decl in decls:
            info = self.parameters.get(decl.name.lower())
            if info is None:
                self.parameters[decl.name.lower()] = ParameterInfo(decl)
            else:
                info.add(decl)
            set_names += [s for s in decl.sets if s not in set_names]
        self.set_names = tuple(set_names) or (ALL_SETS,)
        self.default_set = default_set or self.set_names[0]
        if self.default_set not in self.set_names:
            raise ValueError(f"{name}: default set {self.default_set!r} is not a parameter set")
        self._check_positions()

    def _check_positions(self) -> None:
        for set_name in self.set_names:
            seen: dict[int, str] = {}
            for p in self.parameters.values():
                a = p.attrs(set_name)
                if a is not None and a.position is not None:
                    if a.position in seen:
                        raise ValueError(f"{self.name}: {p.name} and {seen[a.position]} share position "
                                         f"{a.position} in set {set_name}")
                    seen[a.position] = p.name

    def parameter(self, name: str) -> ParameterInfo | None:
        """A declared parameter by exact name (case-insensitive)."""
        return self.parameters.get(name.lower())

    def new_implementation(self) -> CmdletImpl:
        """A fresh implementation instance for one invocation."""
        impl = self.implementation
        if isinstance(impl, type) and issubclass(impl, CmdletImpl):
            return impl()
        return _FunctionImpl(impl)

    def __repr__(self) -> str:
        return f"Cmdlet({self.name!r})"


class Registry:
    """The commands (and views) of a runspace. Build one, register cmdlets, hand it to Runspace."""

    def __init__(self) -> None:
        self._cmdlets: dict[str, Cmdlet] = {}
        self._aliases: dict[str, str] = {}
        self.views = ViewRegistry()

    def register(self, cmdlet: Cmdlet) -> Cmdlet:
        """Add a cmdlet (and its aliases); a name can be registered once."""
        key = cmdlet.name.lower()
        if key in self._cmdlets:
            raise ValueError(f"{cmdlet.name} is already registered")
        self._cmdlets[key] = cmdlet
        for alias in cmdlet.aliases:
            self._aliases[alias.lower()] = cmdlet.name
        return cmdlet

    def add_alias(self, alias: str, target: str) -> None:
        """Make ``alias`` resolve to the command ``target``."""
        self._aliases[alias.lower()] = target

    def resolve(self, name: str) -> Cmdlet | None:
        """The cmdlet a command name (or alias, or ``Module\\Name``) refers to."""
        key = name.lower().rsplit("\\", 1)[-1]
        found = self._cmdlets.get(key)
        if found is None and key in self._aliases:
            found = self._cmdlets.get(self._aliases[key].lower())
        return found

    def cmdlets(self) -> list[Cmdlet]:
        """All cmdlets, sorted by name."""
        return sorted(self._cmdlets.values(), key=lambda c: c.name.lower())

    def aliases(self) -> dict[str, str]:
        """Alias → command name."""
        return dict(self._aliases)

    def copy(self) -> Registry:
        """An independent registry with the same cmdlets, aliases and views (to extend a default one)."""
        other = Registry()
        other._cmdlets, other._aliases, other.views = dict(self._cmdlets), dict(self._aliases), self.views.copy()
        return other
