"""Parameter binding the way PowerShell does it: named parameters (case-insensitive, unambiguous prefixes,
aliases), positional arguments (default set first, exact types before conversion), switch parameters, common
parameters, parameter-set resolution, then per pipeline object: by value, then by property name.

Failures raise BindingError with PowerShell's message, FullyQualifiedErrorId (without the command class) and
which extent to point at; the pipeline turns it into an ErrorRecord.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.powershell.convert import ConversionError, full_type_name, to_integer, to_double, to_string, type_names
from engine.powershell.objects import Hashtable, PSEnum, PSObject, ScriptBlock, adapt
from engine.powershell.registry import Cmdlet, Param, ParameterInfo

ACTIONS = ("SilentlyContinue", "Stop", "Continue", "Inquire", "Ignore", "Suspend")
_ACTION = "System.Management.Automation.ActionPreference"
COMMON = tuple(ParameterInfo(p, common=True) for p in (
    Param("Verbose", "switch", aliases=["vb"]), Param("Debug", "switch", aliases=["db"]),
    Param("ErrorAction", "enum", aliases=["ea"], values=ACTIONS, type_name=_ACTION),
    Param("WarningAction", "enum", aliases=["wa"], values=ACTIONS, type_name=_ACTION),
    Param("ErrorVariable", "string", aliases=["ev"]), Param("WarningVariable", "string", aliases=["wv"]),
    Param("OutVariable", "string", aliases=["ov"]), Param("OutBuffer", "int", aliases=["ob"]),
    Param("PipelineVariable", "string", aliases=["pv"])))
SHOULD_PROCESS = tuple(ParameterInfo(p, common=True) for p in (
    Param("WhatIf", "switch", aliases=["wi"]), Param("Confirm", "switch", aliases=["cf"])))
# enums that also convert from their underlying integers (name by value); others convert from names only
ENUM_NUMBERS: dict[str, dict[int, str]] = {_ACTION: dict(enumerate(ACTIONS))}
PREFERENCE_VARIABLES = ("erroractionpreference", "warningpreference", "verbosepreference", "debugpreference",
                        "progresspreference")


def action_preference(value: Any) -> str:
    """A value as an ActionPreference name ('stop', 1 → 'Stop'), as when assigning $ErrorActionPreference;
    raises ConversionError with PowerShell's text."""
    if isinstance(value, PSEnum):
        value = value.name
    text = to_string(value).strip()
    for name in ACTIONS:
        if name.lower() == text.lower():
            return name
    if (isinstance(value, int) and not isinstance(value, bool)) or text.isdigit():
        number = int(text)
        if 0 <= number < len(ACTIONS):
            return ACTIONS[number]
        raise ConversionError(f'Cannot convert value "{text}" to type "{_ACTION}" due to enumeration values that are '
                              "not valid. Specify one of the following enumeration values and try again. The possible "
                              f'enumeration values are "{",".join(ACTIONS)}".')
    raise ConversionError(f'Cannot convert value "{text}" to type "{_ACTION}". Error: "Unable to match the identifier '
                          f"name {text} to a valid enumerator name.  Specify one of the following enumerator names and "
                          f'try again: {", ".join(ACTIONS)}"')


_INTEGERS = {"int": "System.Int32", "uint": "System.UInt32", "long": "System.Int64"}


class BindingError(Exception):
    """A binding failure. ``where`` is "param", "arg" or "command" (which extent the record shows)."""

    def __init__(self, message: str, error_id: str, *, where: str = "command", category: str = "InvalidArgument",
                 reason: str = "ParameterBindingException", validation: bool = False, extent=None,
                 target: Any = None) -> None:
        super().__init__(message)
        self.message, self.error_id, self.where, self.category, self.reason = message, error_id, where, category, reason
        self.validation, self.extent, self.target = validation, extent, target


@dataclass
class Element:
    """One command element after evaluation: a parameter (``-Name``/``-Name:value``) or an argument."""

    kind: str  # "param" or "arg"
    name: str = ""
    value: Any = None
    colon: bool = False
    extent: tuple[int, int] = (0, 0)
    value_extent: tuple[int, int] | None = None


@dataclass
class Bound:
    """The result of binding the command line."""

    params: dict[str, Any]
    common: dict[str, Any]
    sets: set[str]
    set_name: str | None


class Binder:
    """Binds arguments for one cmdlet invocation; ``expects_input`` when it is not first in a pipeline."""

    def __init__(self, cmdlet: Cmdlet, expects_input: bool) -> None:
        self.cmdlet, self.expects_input = cmdlet, expects_input
        extra = SHOULD_PROCESS if cmdlet.supports_should_process else ()
        self.all_params = list(cmdlet.parameters.values()) + list(COMMON) + list(extra)

    # ---------------------------------------------------------------------------------------------- names
    def lookup(self, typed: str, extent) -> ParameterInfo:
        """Resolve ``-typed``: exact name or alias first, then a unique prefix."""
        lower = typed.lower()
        for p in self.all_params:
            if any(n.lower() == lower for n in p.names):
                return p
        matches = [p for p in self.all_params if any(n.lower().startswith(lower) for n in p.names)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = "".join(f" -{p.name}" for p in matches)
            raise BindingError(f"Parameter cannot be processed because the parameter name '{typed}' is ambiguous. "
                               f"Possible matches include:{names}.", "AmbiguousParameter", where="param",
                               extent=extent)
        raise BindingError(f"A parameter cannot be found that matches parameter name '{typed}'.",
                           "NamedParameterNotFound", where="param", extent=extent)

    # -------------------------------------------------------------------------------------- command line
    def bind_arguments(self, elements: list[Element]) -> Bound:
        """Bind the command line; raises BindingError."""
        named, positional = [], []
        i = 0
        while i < len(elements):
            el = elements[i]
            if el.kind == "arg":
                positional.append(el)
            else:
                p = self.lookup(el.name, el.extent)
                if el.colon:
                    named.append((p, el.value, el.value_extent or el.extent, el.extent))
                elif p.element == "switch":
                    named.append((p, True, el.extent, el.extent))
                else:
                    nxt = elements[i + 1] if i + 1 < len(elements) else None
                    if nxt is None or nxt.kind != "arg":
                        raise BindingError(f"Missing an argument for parameter '{p.name}'. Specify a parameter of "
                                           f"type '{p.dotnet_type}' and try again.", "MissingArgument",
                                           where="param", extent=el.extent)
                    named.append((p, nxt.value, nxt.extent, el.extent))
                    i += 1
            i += 1
        bound = Bound({}, {}, set(self.cmdlet.set_names), None)
        for p, value, value_extent, param_extent in named:
            if p.name in bound.params or p.name in bound.common:
                raise BindingError(f"Cannot bind parameter because parameter '{p.name}' is specified more than once. "
                                   "To provide multiple values to parameters that can accept multiple values, use "
                                   'the array syntax. For example, "-parameter value1,value2,value3".',
                                   "ParameterAlreadyBound", where="param", extent=param_extent)
            converted = self.convert(p, value, True, value_extent)
            if p.common:
                bound.common[p.name] = converted
            else:
                self._store(bound, p, converted)
        self._bind_positional(bound, positional)
        set_name = self.resolve(bound.sets, bound.params, self.expects_input)
        if set_name is not None:
            missing = self.missing(set_name, bound.params, self.expects_input)
            if missing:
                raise BindingError("Cannot process command because of one or more missing mandatory parameters:"
                                   + "".join(" " + m for m in missing) + ".", "MissingMandatoryParameter")
            bound.set_name = set_name if not self.expects_input else None
        return bound

    def _store(self, bound: Bound, p: ParameterInfo, value: Any) -> None:
        bound.params[p.name] = value
        if not p.everywhere:
            bound.sets &= p.in_sets(bound.sets)
            if not bound.sets:
                raise BindingError("Parameter set cannot be resolved using the specified named parameters.",
                                   "AmbiguousParameterSet")

    def _bind_positional(self, bound: Bound, args: list[Element]) -> None:
        params = list(self.cmdlet.parameters.values())
        positions = sorted({a.position for p in params for s in bound.sets
                            if (a := p.attrs(s)) is not None and a.position is not None})
        default = self.cmdlet.default_set
        for position in positions:
            if not args:
                break
            arg = args[0]
            candidates = [p for p in params if p.name not in bound.params
                          and any((a := p.attrs(s)) is not None and a.position == position for s in bound.sets)]
            failure, chosen = None, None
            for coerce in (False, True):
                for only_default in (True, False):
                    if only_default and default not in bound.sets:
                        continue
                    for p in candidates:
                        at = p.attrs(default) if only_default else None
                        if only_default and (at is None or at.position != position):
                            continue
                        try:
                            chosen = (p, self.convert(p, arg.value, coerce, arg.extent))
                            break
                        except BindingError as e:
                            if e.validation:
                                raise
                            failure = e if coerce else failure
                    if chosen:
                        break
                if chosen:
                    break
            if chosen is None:
                if failure is not None:
                    raise failure
                if not candidates:
                    continue  # every parameter at this position was bound by name: the argument goes to the next
                break
            self._store(bound, chosen[0], chosen[1])
            args.pop(0)
        if args:
            # ValueFromRemainingArguments collects the leftovers, after what it got by position (Write-Output a b c)
            rest = next((p for p in params if p.remaining and p.in_sets(bound.sets)), None)
            collects = rest is not None and (rest.is_array or rest.element == "object")
            if rest is None or (rest.name in bound.params and not collects):
                raise BindingError(f"A positional parameter cannot be found that accepts argument "
                                   f"'{to_string(args[0].value)}'.", "PositionalParameterNotFound")
            values = [a.value for a in args]
            if rest.name in bound.params:
                earlier = bound.params.pop(rest.name)
                values = (earlier if isinstance(earlier, list) else [earlier]) + values
            value = values if collects and (len(values) > 1 or rest.is_array) else values[0]
            self._store(bound, rest, self.convert(rest, value, True, args[0].extent))

    # -------------------------------------------------------------------------------------- parameter sets
    def mandatory(self, set_name: str) -> list[ParameterInfo]:
        """The mandatory parameters of a set, in declaration order."""
        return [p for p in self.cmdlet.parameters.values() if (a := p.attrs(set_name)) is not None and a.mandatory]

    def missing(self, set_name: str, params: dict, pipeline_pending: bool) -> list[str]:
        """Mandatory parameters of the set still unbound (ignoring those the pipeline may still supply)."""
        out = []
        for p in self.mandatory(set_name):
            a = p.attrs(set_name)
            if p.name not in params and not (pipeline_pending and (a.pipeline or a.pipeline_by_name)):
                out.append(p.name)
        return out

    def resolve(self, sets: set[str], params: dict, pipeline_pending: bool) -> str | None:
        """The parameter set to use; None while pipeline input may still decide."""
        ordered = [s for s in self.cmdlet.set_names if s in sets]
        if len(ordered) == 1:
            return ordered[0]
        satisfied = [s for s in ordered if not self.missing(s, params, pipeline_pending)]
        if len(satisfied) == 1:
            return satisfied[0]
        if pipeline_pending:
            return None
        default = self.cmdlet.default_set
        if default in ordered and (default in satisfied or not satisfied):
            return default
        raise BindingError("Parameter set cannot be resolved using the specified named parameters.",
                           "AmbiguousParameterSet")

    # -------------------------------------------------------------------------------------- pipeline input
    def bind_input(self, bound: Bound, obj: Any) -> tuple[dict, str]:
        """Bind one pipeline object on top of the command line; returns (params, parameter set)."""
        trial = Bound(dict(bound.params), bound.common, set(bound.sets), None)
        by_value_done, bound_any = False, False
        default = self.cmdlet.default_set
        for kind, coerce in (("value", False), ("name", False), ("value", True), ("name", True)):
            for p in sorted(self.cmdlet.parameters.values(), key=lambda p: p.attrs(default) is None):
                if p.name in trial.params:
                    continue
                sets = [s for s in trial.sets if (a := p.attrs(s)) is not None
                        and (a.pipeline if kind == "value" else a.pipeline_by_name)]
                if not sets or (kind == "value" and by_value_done):
                    continue
                value, found = (obj, True) if kind == "value" else _property(obj, p)
                if not found:
                    continue
                try:
                    converted = self.convert(p, value, coerce, None)
                except BindingError:
                    continue
                trial.params[p.name] = converted
                if not p.everywhere:
                    trial.sets &= set(sets)
                bound_any = True
                by_value_done = by_value_done or kind == "value"
        if not bound_any:
            raise BindingError("The input object cannot be bound to any parameters for the command either because "
                               "the command does not take pipeline input or the input and its properties do not match "
                               "any of the parameters that take pipeline input.", "InputObjectNotBound", target=obj)
        set_name = self.resolve(trial.sets, trial.params, False)
        missing = self.missing(set_name, trial.params, False)
        if missing:
            raise BindingError("The input object cannot be bound because it did not contain the information required "
                               "to bind all mandatory parameters: " + " ".join(missing), "InputObjectMissingMandatory",
                               target=obj)
        return trial.params, set_name

    # ---------------------------------------------------------------------------------------- conversion
    def convert(self, p: ParameterInfo, value: Any, coerce: bool, extent) -> Any:
        """Convert (or, without ``coerce``, only accept) a value for a parameter; validates it."""
        if p.element in ("switch", "bool"):
            if isinstance(value, bool):
                return value
            if coerce and isinstance(value, (int, float)) and not p.is_array:
                return value != 0
            raise self._transformation(p, value, extent)
        if value is None or (isinstance(value, list) and not value and p.is_array):
            if p.mandatory_anywhere():
                what = "null" if value is None else "an empty array"
                suffix = "NullNotAllowed" if value is None else "EmptyArrayNotAllowed"
                raise BindingError(f"Cannot bind argument to parameter '{p.name}' because it is {what}.",
                                   "ParameterArgumentValidationError" + suffix, where="arg", category="InvalidData",
                                   reason="ParameterBindingValidationException", validation=True, extent=extent)
            return [] if p.is_array and value is not None else value
        if p.is_array:
            items = value if isinstance(value, list) else [value]
            result = [self._element(p, v, coerce, extent) for v in items]
        else:
            if isinstance(value, list) and p.element not in ("object",):
                if len(value) == 1 and coerce:
                    value = value[0]
                elif p.element == "string" and coerce:
                    raise BindingError(f"Cannot convert '{full_type_name(value)}' to the type '{p.dotnet_type}' "
                                       f"required by parameter '{p.name}'. Specified method is not supported.",
                                       "CannotConvertArgument", where="arg", extent=extent)
            result = self._element(p, value, coerce, extent)
        self._validate(p, result, extent)
        return result

    def _element(self, p: ParameterInfo, v: Any, coerce: bool, extent) -> Any:
        kind = p.element
        try:
            if kind == "object":
                return v
            if kind == "string":
                if isinstance(v, str):
                    return v
                if coerce and not isinstance(v, list):
                    return to_string(v)
            elif kind in _INTEGERS:
                if isinstance(v, int) and not isinstance(v, bool) and not coerce:
                    return to_integer(v, _INTEGERS[kind])
                if coerce:
                    return to_integer(v, _INTEGERS[kind])
            elif kind == "double":
                if isinstance(v, float) or coerce:
                    return to_double(v)
            elif kind == "hashtable":
                if isinstance(v, Hashtable):
                    return v
            elif kind == "scriptblock":
                if isinstance(v, ScriptBlock):
                    return v
            elif kind == "enum":
                return self._enum(p, v, coerce)
            elif kind == "psobject":
                if isinstance(adapt(v), PSObject) and (not p.type_name or p.type_name in type_names(v)):
                    return v
                target = p.type_name or "System.Management.Automation.PSObject"
                raise ConversionError(f'Cannot convert the "{to_string(v)}" value of type "{full_type_name(v)}" to '
                                      f'type "{target}".')
        except ConversionError as e:
            raise BindingError(f"Cannot bind parameter '{p.name}'. {e.message}", "CannotConvertArgumentNoMessage",
                               where="arg", extent=extent) from None
        target = p.dotnet_type.removesuffix("[]")
        raise BindingError(f"Cannot bind parameter '{p.name}'. Cannot convert the \"{to_string(v)}\" value of type "
                           f"\"{full_type_name(v)}\" to type \"{target}\".", "CannotConvertArgumentNoMessage",
                           where="arg", extent=extent)

    def _enum(self, p: ParameterInfo, v: Any, coerce: bool) -> str:
        if isinstance(v, PSEnum) and v.type_name == p.type_name:
            return v.name
        text = to_string(v)
        for allowed in p.values:
            if coerce and allowed.lower() == text.strip().lower():
                return allowed
        numbers = ENUM_NUMBERS.get(p.type_name)
        if coerce and numbers is not None and not isinstance(v, (bool, float)):
            number = v if isinstance(v, int) else (int(text.strip()) if text.strip().isdigit() else None)
            if number is not None:  # -ea 0: an enum converts from its underlying integer
                if number in numbers:
                    return numbers[number]
                raise ConversionError(f'Cannot convert value "{text}" to type "{p.type_name}" due to enumeration '
                                      "values that are not valid. Specify one of the following enumeration values "
                                      f'and try again. The possible enumeration values are "{",".join(p.values)}".')
        if not coerce:
            raise ConversionError("no exact enum value")
        raise ConversionError(f'Cannot convert value "{text}" to type "{p.type_name}". Error: "Unable to match the '
                              f'identifier name {text} to a valid enumerator name.  Specify one of the following '
                              f'enumerator names and try again: {", ".join(p.values)}"')

    def _validate(self, p: ParameterInfo, value: Any, extent) -> None:
        items = value if isinstance(value, list) else [value]
        if p.element == "string" and p.mandatory_anywhere() and any(v == "" for v in items):
            raise BindingError(f"Cannot bind argument to parameter '{p.name}' because it is an empty string.",
                               "ParameterArgumentValidationErrorEmptyStringNotAllowed", where="arg",
                               category="InvalidData", reason="ParameterBindingValidationException", validation=True,
                               extent=extent)
        if p.element == "string" and p.values:
            for v in items:
                if v.lower() not in (a.lower() for a in p.values):
                    raise BindingError(
                        f"Cannot validate argument on parameter '{p.name}'. The argument \"{v}\" does not belong to "
                        f"the set \"{','.join(p.values)}\" specified by the ValidateSet attribute. Supply an argument "
                        "that is in the set and then try the command again.", "ParameterArgumentValidationError",
                        where="arg", category="InvalidData", reason="ParameterBindingValidationException",
                        validation=True, extent=extent)

    def _transformation(self, p: ParameterInfo, value: Any, extent) -> BindingError:
        return BindingError(f"Cannot process argument transformation on parameter '{p.name}'. Cannot convert value "
                            f"\"{full_type_name(value)}\" to type \"{p.dotnet_type}\". Boolean parameters accept only "
                            "Boolean values and numbers, such as $True, $False, 1 or 0.",
                            "ParameterArgumentTransformationError", where="arg", category="InvalidData",
                            reason="ParameterBindingArgumentTransformationException", extent=extent)


def _property(obj: Any, p: ParameterInfo) -> tuple[Any, bool]:
    """The value of the property named like the parameter (or an alias) on a pipeline object."""
    obj = adapt(obj)
    for name in p.names:
        if isinstance(obj, PSObject) and obj.has(name):
            return obj.get(name), True
        if isinstance(obj, Hashtable) and name in obj:
            return obj[name], True
    return None, False
