"""Core object cmdlets: Where-Object, ForEach-Object, Select-Object, Sort-Object, Measure-Object."""
from __future__ import annotations

import functools
import re
from typing import Any

from engine.powershell.convert import ConversionError, to_bool, to_number, to_string, type_names
from engine.powershell.members import get_member
from engine.powershell.objects import PSCUSTOMOBJECT, Hashtable, PSObject, ScriptBlock, adapt
from engine.powershell.operators import OpError, comparison, compare, equals
from engine.powershell.registry import Cmdlet, CmdletImpl, Param
from engine.powershell.views import Column

_NS = "Microsoft.PowerShell.Commands."
_WHERE_OPS = ["EQ", "NE", "GT", "GE", "LT", "LE", "Like", "NotLike", "Match", "NotMatch", "Contains", "NotContains",
              "In", "NotIn"]


def _single(values: list) -> Any:
    return values[0] if len(values) == 1 else (values or None)


def _spec_key(spec: Hashtable, *names: str) -> Any:
    """A calculated-property key by any unambiguous prefix (``n``, ``Name``, ``e``, ``Expression``…)."""
    for key, value in spec.items():
        if any(n.startswith(str(key).lower()) for n in names):
            return value
    return None


def property_columns(ctx, specs: list, sample: Any) -> list[Column]:
    """-Property arguments (names, wildcards, script blocks, @{Name=…; Expression=…}) as columns."""
    columns: list[Column] = []
    names = adapt(sample).names() if isinstance(adapt(sample), PSObject) else []
    for spec in specs:
        if isinstance(spec, Hashtable):
            expression = _spec_key(spec, "expression")
            label = _spec_key(spec, "name", "label")
            width, align = _spec_key(spec, "width"), _spec_key(spec, "alignment")
            if isinstance(expression, ScriptBlock):
                source = functools.partial(_evaluate, ctx, expression)
                label = label if label is not None else expression.text.strip()
            else:
                source = to_string(expression)
                label = label if label is not None else source
            columns.append(Column(to_string(label), source, to_string(align).lower() or None,
                                  int(width) if width else None))
        elif isinstance(spec, ScriptBlock):
            columns.append(Column(spec.text.strip(), functools.partial(_evaluate, ctx, spec)))
        else:
            pattern = to_string(spec)
            if any(c in pattern for c in "*?["):
                rx = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + r"\Z", re.I)
                columns += [Column(n) for n in names if rx.match(n)]
            else:
                columns.append(Column(next((n for n in names if n.lower() == pattern.lower()), pattern)))
    return columns


def _evaluate(ctx, block: ScriptBlock, obj: Any) -> Any:
    return _single(ctx.invoke(block, obj))


class WhereObject(CmdletImpl):
    """Where-Object { script } and the simplified Where-Object Property -op Value."""

    def process(self, ctx, params):
        obj = params.get("InputObject")
        block = params.get("FilterScript")
        if block is not None:
            keep = to_bool(_single(ctx.invoke(block, obj)))
        else:
            value = get_member(obj, params["Property"])
            op = ctx.parameter_set.removesuffix("Set")
            if "Value" not in params and op == "Equal":
                keep = to_bool(value)
            else:
                keep = self._test(op, value, params.get("Value"), ctx)
        if keep:
            ctx.write_output(obj)

    @staticmethod
    def _test(set_name: str, value: Any, expected: Any, ctx) -> bool:
        cased = set_name.startswith("CaseSensitive")
        name = set_name.removeprefix("CaseSensitive").lower()
        op = {"equal": "eq", "notequal": "ne", "greaterthan": "gt", "greaterorequal": "ge", "lessthan": "lt",
              "lessorequal": "le"}.get(name, name)
        try:
            return to_bool(comparison(("-c" if cased else "-") + op, value, expected, lambda m: None))
        except OpError as e:
            ctx.write_error(e.message, error_id=e.error_id, category=e.category)
            return False


def _where_parameters() -> list[Param]:
    sets = {"EQ": "Equal", "NE": "NotEqual", "GT": "GreaterThan", "GE": "GreaterOrEqual", "LT": "LessThan",
            "LE": "LessOrEqual"}
    params, op_sets = [], []
    for op in _WHERE_OPS:
        base = sets.get(op, op)
        for cased in (False, True):
            set_name = ("CaseSensitive" if cased else "") + base + "Set"
            op_sets.append(set_name)
            params.append(Param(("C" if cased else "") + op, "switch", sets=[set_name],
                                mandatory=not (op == "EQ" and not cased), aliases=[] if cased else ["I" + op]))
    params.append(Param("FilterScript", "scriptblock", sets=["ScriptBlockSet"], mandatory=True, position=0))
    params.append(Param("Property", "string", sets=op_sets, mandatory=True, position=0))
    params.append(Param("Value", "object", sets=op_sets, position=1))
    params.append(Param("InputObject", "object", pipeline=True))
    return params


class ForEachObject(CmdletImpl):
    """ForEach-Object { … } (with -Begin/-End) and ForEach-Object PropertyName."""

    def begin(self, ctx, params):
        blocks = list(params.get("Process") or []) + list(params.get("RemainingScripts") or [])
        self.begin_block, self.end_block = params.get("Begin"), params.get("End")
        if self.begin_block is None and len(blocks) > 1:
            self.begin_block = blocks.pop(0)
        if self.end_block is None and len(blocks) > 1:
            self.end_block = blocks.pop()
        self.blocks = blocks
        if self.begin_block is not None:
            ctx.write_output(ctx.invoke(self.begin_block), enumerate=True)

    def process(self, ctx, params):
        obj = params.get("InputObject")
        if "MemberName" in params:
            ctx.write_output(get_member(obj, params["MemberName"]), enumerate=True)
            return
        for block in self.blocks:
            ctx.write_output(ctx.invoke(block, obj), enumerate=True)

    def end(self, ctx, params):
        if self.end_block is not None:
            ctx.write_output(ctx.invoke(self.end_block), enumerate=True)


class SelectObject(CmdletImpl):
    """Select-Object -Property/-ExpandProperty/-First/-Last/-Skip/-Unique."""

    def begin(self, ctx, params):
        self.seen, self.kept, self.count = [], [], 0

    def process(self, ctx, params):
        obj = params.get("InputObject")
        self.count += 1
        if self.count <= params.get("Skip", 0):
            return
        shaped = self._shape(ctx, params, obj)
        if shaped is _SKIP:
            return
        if "Unique" in params:
            if any(_same(shaped, s) for s in self.seen):
                return
            self.seen.append(shaped)
        if "Last" in params:
            self.kept.append(shaped)
        elif "First" not in params or self.count - params.get("Skip", 0) <= params["First"]:
            self._write(ctx, params, shaped)

    def end(self, ctx, params):
        if "Last" in params:
            for shaped in self.kept[max(len(self.kept) - params["Last"], 0):]:
                self._write(ctx, params, shaped)

    @staticmethod
    def _write(ctx, params, shaped):
        ctx.write_output(shaped, enumerate="ExpandProperty" in params)

    @staticmethod
    def _shape(ctx, params, obj):
        expand = params.get("ExpandProperty")
        if expand is not None:
            target = adapt(obj)
            if not (isinstance(target, PSObject) and target.has(expand)) and not isinstance(target, Hashtable):
                ctx.write_error(f'Property "{expand}" cannot be found.', error_id="ExpandPropertyNotFound",
                                category="InvalidArgument", reason="PSArgumentException", target=obj)
                return _SKIP
            return get_member(obj, expand)
        specs = params.get("Property")
        if not specs:
            return obj
        excluded = {e.lower() for e in params.get("ExcludeProperty") or []}
        columns = [c for c in property_columns(ctx, specs, obj) if c.header.lower() not in excluded]
        first = type_names(obj)[0] if type_names(obj) else "System.Object"
        return PSObject([(c.header, _column_value(c, obj)) for c in columns], [f"Selected.{first}", PSCUSTOMOBJECT])


_SKIP = object()


def _column_value(column: Column, obj: Any) -> Any:
    source = column.source
    return source(obj) if callable(source) else get_member(obj, source)


def _same(a: Any, b: Any) -> bool:
    a, b = adapt(a), adapt(b)
    if isinstance(a, PSObject) and isinstance(b, PSObject):
        return a.items() == b.items() or a is b
    return equals(a, b)


class SortObject(CmdletImpl):
    """Sort-Object [-Property …] [-Descending] [-Unique]; stable, case-insensitive like PowerShell."""

    def begin(self, ctx, params):
        self.items = []

    def process(self, ctx, params):
        if "InputObject" in params:
            self.items.append(params["InputObject"])

    def end(self, ctx, params):
        specs = params.get("Property") or [None]
        keys = []
        for spec in specs:
            descending = bool(params.get("Descending"))
            if isinstance(spec, Hashtable):
                if _spec_key(spec, "descending") is not None:
                    descending = to_bool(_spec_key(spec, "descending"))
                if _spec_key(spec, "ascending") is not None:
                    descending = not to_bool(_spec_key(spec, "ascending"))
                spec = _spec_key(spec, "expression")
            keys.append((spec, descending))
        decorated = [([self._key(ctx, spec, obj) for spec, _ in keys], obj) for obj in self.items]

        def order(a, b):
            for (x, y), (_, descending) in zip(zip(a[0], b[0]), keys):
                result = _compare(x, y)
                if result:
                    return -result if descending else result
            return 0
        result = [obj for _, obj in sorted(decorated, key=functools.cmp_to_key(order))]
        if "Unique" in params:
            unique = []
            for obj in result:
                if not any(_same(obj, u) for u in unique):
                    unique.append(obj)
            result = unique
        for obj in result:
            ctx.write_output(obj)

    @staticmethod
    def _key(ctx, spec, obj):
        if spec is None:
            return obj if not isinstance(adapt(obj), PSObject) else to_string(obj)
        if isinstance(spec, ScriptBlock):
            return _single(ctx.invoke(spec, obj))
        return get_member(obj, to_string(spec))


def _compare(x: Any, y: Any) -> int:
    try:
        return compare(x, y)
    except (OpError, ConversionError):
        return compare(to_string(x), to_string(y))


class MeasureObject(CmdletImpl):
    """Measure-Object [-Property …] [-Sum] [-Average] [-Maximum] [-Minimum]."""

    def begin(self, ctx, params):
        self.values: dict[str | None, list] = {p: [] for p in (params.get("Property") or [None])}
        self.count = 0

    def process(self, ctx, params):
        if "InputObject" not in params:
            return
        obj = params["InputObject"]
        self.count += 1
        for prop in self.values:
            target = adapt(obj)
            if prop is None:
                self.values[prop].append(obj)
            elif isinstance(target, PSObject) and target.has(prop) or isinstance(target, Hashtable) and prop in target:
                self.values[prop].append(get_member(obj, prop))

    def end(self, ctx, params):
        for prop, values in self.values.items():
            if prop is not None and not values and self.count:
                ctx.write_error(f'The property "{prop}" cannot be found in the input for any objects.',
                                error_id="GenericMeasurePropertyNotFound", category="InvalidArgument",
                                reason="PSArgumentException")
                continue
            stats = {"Average": None, "Sum": None, "Maximum": None, "Minimum": None}
            wanted = [k for k in stats if params.get(k)]
            if wanted:
                try:
                    numbers = [float(to_number(v)) for v in values if v is not None]
                except ConversionError as e:
                    ctx.write_error(e.message, error_id="NonNumericInputObject", category="InvalidType",
                                    reason="PSInvalidOperationException")
                    continue
                computed = {"Sum": sum(numbers), "Average": sum(numbers) / len(numbers) if numbers else None,
                            "Maximum": max(numbers, default=None), "Minimum": min(numbers, default=None)}
                stats.update({k: computed[k] for k in wanted})
            count = len(values) if prop is not None else self.count
            ctx.write_output(PSObject([("Count", count), *stats.items(), ("Property", prop)],
                                      [_NS + "GenericMeasureInfo", "Microsoft.PowerShell.Commands.MeasureInfo"],
                                      mutable=False))


def object_cmdlets() -> list[Cmdlet]:
    """The core object cmdlets."""
    return [
        Cmdlet("Where-Object", _NS + "WhereObjectCommand", WhereObject, _where_parameters(), default_set="EqualSet",
               aliases=["where", "?"], synopsis="Selects objects from a collection based on their property values."),
        Cmdlet("ForEach-Object", _NS + "ForEachObjectCommand", ForEachObject, [
            Param("InputObject", "object", pipeline=True),
            Param("Process", "scriptblock[]", sets=["ScriptBlockSet"], mandatory=True, position=0),
            Param("Begin", "scriptblock", sets=["ScriptBlockSet"]),
            Param("End", "scriptblock", sets=["ScriptBlockSet"]),
            Param("RemainingScripts", "scriptblock[]", sets=["ScriptBlockSet"], remaining=True),
            Param("MemberName", "string", sets=["PropertyAndMethodSet"], mandatory=True, position=0),
        ], aliases=["foreach", "%"], synopsis="Performs an operation against each item in a collection of input "
                                              "objects."),
        Cmdlet("Select-Object", _NS + "SelectObjectCommand", SelectObject, [
            Param("InputObject", "object", pipeline=True), Param("Property", "object[]", position=0),
            Param("ExcludeProperty", "string[]"), Param("ExpandProperty", "string"), Param("Unique", "switch"),
            Param("Last", "int"), Param("First", "int"), Param("Skip", "int"),
        ], aliases=["select"], synopsis="Selects objects or object properties."),
        Cmdlet("Sort-Object", _NS + "SortObjectCommand", SortObject, [
            Param("Property", "object[]", position=0), Param("Descending", "switch"), Param("Unique", "switch"),
            Param("InputObject", "object", pipeline=True),
        ], aliases=["sort"], synopsis="Sorts objects by property values."),
        Cmdlet("Measure-Object", _NS + "MeasureObjectCommand", MeasureObject, [
            Param("InputObject", "object", pipeline=True), Param("Property", "string[]", position=0),
            Param("Sum", "switch"), Param("Average", "switch"), Param("Maximum", "switch"),
            Param("Minimum", "switch"),
        ], aliases=["measure"], synopsis="Calculates the numeric properties of objects."),
    ]
