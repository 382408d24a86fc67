"""The interpreter: evaluates the AST against a runspace's session, counting evaluation steps.

Errors follow PowerShell: a statement-terminating error (runtime error, binding error, unknown command) is
printed and the script goes on with the next statement, unless a try/catch is active; ``throw`` and
``-ErrorAction Stop`` end the script unless caught. Output goes to a sink; at top level the sink records
events (output objects, error records, host text) in order for the console rendering.
"""
from __future__ import annotations

from typing import Any, Callable

from engine.errors import LabError
from engine.powershell import ast
from engine.powershell.binding import PREFERENCE_VARIABLES, action_preference
from engine.powershell.convert import ConversionError, cast, full_type_name, known_type, to_bool, to_string
from engine.powershell.errors import ErrorRecord, Extent, PSError, StepBudgetExceeded, runtime_error
from engine.powershell.members import call_method, get_index, get_member, set_index, set_member
from engine.powershell.objects import Hashtable, ScriptBlock
from engine.powershell.operators import OpError, arithmetic, comparison, format_values, range_values, unary
from engine.powershell.pipeline import NO_INPUT, run_pipeline
from engine.powershell.statics import as_type, call_static, is_type, static_member, type_literal

_ARITHMETIC = {"+", "-", "*", "/", "%"}
_CONSTANTS = {"true": True, "false": False, "null": None}


class BreakSignal(Exception):
    """``break``."""


class ContinueSignal(Exception):
    """``continue``."""


class ReturnSignal(Exception):
    """``return`` (ends a script block invocation)."""


class ExitSignal(Exception):
    """``exit [code]``."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class Interpreter:
    """Evaluates one run of a script; ``session`` (the runspace's state) outlives it."""

    VOID = object()  # what [void] yields: no output at all

    def __init__(self, session, source: str, budget: int, events: list) -> None:
        self.session, self.source, self.budget, self.events = session, source, budget, events
        self.steps = 0
        self.try_depth = 0
        self.failures = 0  # errors written so far; $? is false after a statement that wrote one
        self._eval: dict[type, Callable[[Any], Any]] = {
            ast.Constant: lambda n: n.value, ast.Variable: lambda n: self.get_variable(n.name),
            ast.ExpandableString: self._expandable, ast.ArrayLiteral: lambda n: [self.eval(i) for i in n.items],
            ast.HashLiteral: self._hash, ast.ScriptBlockExpr: lambda n: ScriptBlock(n.body, n.text, self.source),
            ast.Paren: lambda n: self.value_of(n.pipeline), ast.SubExpression: self._subexpression,
            ast.BinaryOp: self._binary, ast.UnaryOp: self._unary, ast.Cast: self._cast, ast.Member: self._member,
            ast.MethodCall: self._method, ast.Index: self._index, ast.Pipeline: self.value_of,
            ast.TypeLiteral: self._type_literal,
            ast.Assignment: self.value_of}

    # ------------------------------------------------------------------------------------------ plumbing
    def tick(self, n: int = 1) -> None:
        """Count evaluation steps; ends the run when the budget is spent."""
        self.steps += n
        if self.steps > self.budget:
            raise StepBudgetExceeded(ErrorRecord(
                message=f"The script was stopped because it used more than {self.budget} evaluation steps.",
                fqid="ScriptStepBudgetExceeded", category="OperationStopped", reason="PipelineStoppedException"))

    def extent(self, node: ast.Node) -> Extent:
        """Where a node sits in the current source."""
        return Extent(self.source, node.start, node.end)

    def report(self, record: ErrorRecord) -> None:
        """Print an error record (in order with the output) and remember it in $Error."""
        self.session.error_list.insert(0, record)
        self.failures += 1
        self.events.append(("err", record))

    def host(self, text: str) -> None:
        """Text written straight to the console."""
        self.events.append(("host", text))

    def preference(self, name: str) -> Any:
        """A preference variable such as $ErrorActionPreference."""
        return self.session.variables.get(name.lower())

    # ------------------------------------------------------------------------------------------ variables
    def get_variable(self, name: str) -> Any:
        """``$name`` (undefined variables are $null)."""
        lower = name.lower()
        if lower in _CONSTANTS:
            return _CONSTANTS[lower]
        if lower == "psitem":
            lower = "_"
        if lower.startswith("env:"):
            return self.session.env.get(lower[4:])
        if lower == "?":
            return self.session.last_success
        if lower == "error":
            return self.session.error_list
        return self.session.variables.get(lower)

    def set_variable(self, name: str, value: Any, node: ast.Node | None = None) -> None:
        """``$name = value``."""
        lower = name.lower()
        if lower == "null":
            return
        if lower in _CONSTANTS or lower in ("?", "error"):
            raise runtime_error(f"Cannot overwrite variable {name} because it is read-only or constant.",
                                "VariableNotWritable", self.extent(node) if node else None, category="WriteError",
                                reason="SessionStateUnauthorizedAccessException", target_name=name,
                                target_type="String")
        if lower in PREFERENCE_VARIABLES:  # typed variables: 'stop' and 1 become Stop; others are refused
            try:
                value = action_preference(value)
            except ConversionError as e:
                raise runtime_error(e.message, "RuntimeException", self.extent(node) if node else None,
                                    category="MetadataError",
                                    reason="ArgumentTransformationMetadataException") from None
        if lower.startswith("env:"):
            self.session.env[lower[4:]] = to_string(value)
        else:
            self.session.variables["_" if lower == "psitem" else lower] = value

    def append_variable(self, name: str, value: Any) -> None:
        """-ErrorVariable / -OutVariable: add to a list variable."""
        current = self.session.variables.get(name.lower())
        self.session.variables[name.lower()] = (current if isinstance(current, list) else []) + [value]

    # ------------------------------------------------------------------------------------------ statements
    def run_block(self, block: ast.Block, sink: Callable[[Any], None]) -> None:
        """Run statements; a statement-terminating error is reported and the next statement runs."""
        for stmt in block.statements:
            failures = self.failures
            try:
                self.execute(stmt, sink)
            except PSError as e:
                if e.scope != "statement" or self.try_depth or str(self.preference("ErrorActionPreference")) == "Stop":
                    raise
                self.report(e.record)
            self.session.last_success = self.failures == failures

    def execute(self, stmt: ast.Node, sink: Callable[[Any], None]) -> None:
        """Run one statement, sending its output to ``sink``."""
        self.tick()
        kind = type(stmt)
        if kind is ast.Pipeline:
            run_pipeline(self, stmt, sink)
        elif kind is ast.Assignment:
            self._assign(stmt)
        elif kind is ast.If:
            for condition, block in stmt.clauses:
                if to_bool(self.value_of(condition)):
                    self.run_block(block, sink)
                    return
            if stmt.else_block is not None:
                self.run_block(stmt.else_block, sink)
        elif kind is ast.Foreach:
            value = self.value_of(stmt.iterable)
            items = value if isinstance(value, list) else ([] if value is None else [value])
            self._loop(stmt.body, sink, iter(items), lambda item: self.set_variable(stmt.variable, item))
        elif kind is ast.While:
            self._loop(stmt.body, sink, iter(lambda: to_bool(self.value_of(stmt.condition)), False), None)
        elif kind is ast.For:
            self._for(stmt, sink)
        elif kind is ast.Try:
            self._try(stmt, sink)
        else:
            self._flow(stmt, sink)

    def _loop(self, body: ast.Block, sink, items, bind) -> None:
        for item in items:
            self.tick()
            if bind is not None:
                bind(item)
            try:
                self.run_block(body, sink)
            except BreakSignal:
                break
            except ContinueSignal:
                continue

    def _for(self, stmt: ast.For, sink) -> None:
        if stmt.init is not None:
            self.execute(stmt.init, lambda obj: None)
        while stmt.condition is None or to_bool(self.value_of(stmt.condition)):
            self.tick()
            try:
                self.run_block(stmt.body, sink)
            except BreakSignal:
                break
            except ContinueSignal:
                pass
            if stmt.iterator is not None:
                self.execute(stmt.iterator, lambda obj: None)

    def _try(self, stmt: ast.Try, sink) -> None:
        try:
            self.try_depth += 1
            try:
                self.run_block(stmt.body, sink)
            finally:
                self.try_depth -= 1
        except PSError as e:
            handler = next((block for types, block in stmt.catches if _catches(types, e.record)), None)
            if handler is None:
                raise
            saved = self.session.variables.get("_")
            self.session.variables["_"] = e.record
            try:
                self.run_block(handler, sink)
            finally:
                self.session.variables["_"] = saved
        finally:
            if stmt.finally_block is not None:
                self.run_block(stmt.finally_block, sink)

    def _flow(self, stmt: ast.Flow, sink) -> None:
        value = None if stmt.value is None else self.value_of(stmt.value)
        if stmt.keyword == "break":
            raise BreakSignal()
        if stmt.keyword == "continue":
            raise ContinueSignal()
        if stmt.keyword == "return":
            if stmt.value is not None:
                for item in value if isinstance(value, list) else [value]:
                    sink(item)
            raise ReturnSignal()
        if stmt.keyword == "exit":
            raise ExitSignal(0 if value is None else int(value) if isinstance(value, (int, float)) else 1)
        if isinstance(value, ErrorRecord):
            raise PSError(value, "script")
        message = "ScriptHalted" if value is None else to_string(value)
        raise runtime_error(message, message, self.extent(stmt), category="OperationStopped", target=value,
                            target_name=message if value is not None else "",
                            target_type="String" if value is not None else "", scope="script")

    def _assign(self, stmt: ast.Assignment) -> Any:
        target = stmt.target
        value = 1 if stmt.op in ("++", "--") else self.value_of(stmt.value)
        try:
            if stmt.op in ("++", "--"):
                current = self.eval(target)
                if not (current is None or isinstance(current, (int, float))):
                    raise OpError(f"The '{stmt.op}' operator works only on numbers. The operand is a "
                                  f"'{full_type_name(current)}'.", "OperatorRequiresNumber")
            if stmt.op != "=":
                value = arithmetic(stmt.op[0], self.eval(target), value, self.tick)
            if isinstance(target, ast.Variable):
                self.set_variable(target.name, value, stmt)
            elif isinstance(target, ast.Member):
                set_member(self.eval(target.target), self.member_name(target), value)
            else:
                set_index(self.eval(target.target), self.eval(target.index), value)
        except OpError as e:
            raise self._op_error(e, stmt) from None
        except ConversionError as e:
            raise runtime_error(e.message, e.error_id, self.extent(stmt), category="InvalidArgument") from None
        except LabError as e:
            raise runtime_error(f'Exception setting "{target.name}": "{e.message}"', "ExceptionWhenSetting",
                                self.extent(stmt), category="NotSpecified",
                                reason="SetValueInvocationException") from None
        return value

    # ------------------------------------------------------------------------------------------ values
    def collect(self, run: Callable[[Callable[[Any], None]], None]) -> list:
        """Everything ``run`` writes to its sink."""
        out: list = []
        run(out.append)
        return out

    def value_of(self, node: ast.Node) -> Any:
        """The value of a pipeline, assignment or statement used as a value: one object, a list, or $null."""
        if isinstance(node, ast.Assignment):
            return self._assign(node)
        if isinstance(node, ast.Pipeline) and len(node.elements) == 1 and not isinstance(node.elements[0],
                                                                                            ast.Command):
            value = self.eval(node.elements[0])
            return None if value is self.VOID else value
        out = self.collect(lambda sink: self.execute(node, sink))
        return out[0] if len(out) == 1 else (out or None)

    def eval(self, node: ast.Node) -> Any:
        """Evaluate an expression node."""
        self.tick()
        return self._eval[type(node)](node)

    def invoke_block(self, block: ScriptBlock, input_obj: Any, args: list) -> list:
        """Run a script block with ``$_`` set (when there is input) and ``$args``; returns its output."""
        variables = self.session.variables
        saved = (variables.get("_"), variables.get("args"), self.source)
        if input_obj is not NO_INPUT:
            variables["_"] = input_obj
        variables["args"] = args
        self.source = block.source
        out: list = []
        try:
            self.run_block(block.body, out.append)
        except ReturnSignal:
            pass
        finally:
            variables["_"], variables["args"], self.source = saved
        return out

    def _expandable(self, node: ast.ExpandableString) -> str:
        parts = []
        for part in node.parts:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, ast.Variable):
                parts.append(to_string(self.get_variable(part.name)))
            else:
                out = self.collect(lambda sink: self.run_block(part, sink))
                parts.append(to_string(out[0] if len(out) == 1 else out))
        return "".join(parts)

    def _hash(self, node: ast.HashLiteral) -> Hashtable:
        table = Hashtable()
        for key, value in node.entries:
            table[self.eval(key)] = self.value_of(value)
        return table

    def _subexpression(self, node: ast.SubExpression) -> Any:
        out = [x for x in self.collect(lambda sink: self.run_block(node.body, sink)) if x is not self.VOID]
        if node.array:
            return out
        return out[0] if len(out) == 1 else (out or None)

    def _binary(self, node: ast.BinaryOp) -> Any:
        op = node.op
        left = self.eval(node.left)
        try:
            if op == "-and":
                return to_bool(left) and to_bool(self.eval(node.right))
            if op == "-or":
                return to_bool(left) or to_bool(self.eval(node.right))
            right = self.eval(node.right)
            if op == "-xor":
                return to_bool(left) != to_bool(right)
            if op in _ARITHMETIC:
                return arithmetic(op, left, right, self.tick)
            if op == "..":
                return range_values(left, right, self.tick)
            if op == "-f":
                return format_values(left, right)
            if op in ("-is", "-isnot"):
                return is_type(left, right) == (op == "-is")
            if op == "-as":
                return as_type(left, right)
            return comparison(op, left, right, lambda m: self.session.variables.__setitem__("matches", m))
        except OpError as e:
            raise self._op_error(e, node) from None
        except ConversionError as e:
            raise runtime_error(e.message, e.error_id, self.extent(node), category="InvalidArgument") from None

    def _unary(self, node: ast.UnaryOp) -> Any:
        try:
            return unary(node.op, self.eval(node.operand))
        except OpError as e:
            raise self._op_error(e, node) from None
        except ConversionError as e:
            raise runtime_error(e.message, e.error_id, self.extent(node), category="InvalidArgument") from None

    def _cast(self, node: ast.Cast) -> Any:
        value = self.eval(node.operand)
        full = known_type(node.type_name)
        if full is None:
            raise runtime_error(f"Unable to find type [{node.type_name}]: make sure that the assembly containing this "
                                "type is loaded.", "TypeNotFound", self.extent(node), target_name=node.type_name,
                                target_type="TypeName")
        if full == "System.Void":
            return self.VOID
        try:
            return cast(value, node.type_name)
        except ConversionError as e:
            raise runtime_error(e.message, e.error_id, self.extent(node), category="InvalidArgument") from None

    def _type_literal(self, node: ast.TypeLiteral) -> Any:
        try:
            return type_literal(node.type_name)
        except OpError as e:
            raise self._op_error(e, node) from None

    def member_name(self, node: ast.Member | ast.MethodCall) -> str:
        """The member's name: as written, or the value of ``."$x"`` / ``.$x``."""
        return node.name if node.name_expr is None else to_string(self.eval(node.name_expr))

    def _member(self, node: ast.Member) -> Any:
        if node.static:
            try:
                return static_member(node.target.type_name, node.name)
            except OpError as e:
                raise self._op_error(e, node.target) from None
        target = self.eval(node.target)
        return get_member(target, self.member_name(node))

    def _method(self, node: ast.MethodCall) -> Any:
        target = None if node.static else self.eval(node.target)
        name = self.member_name(node)
        args = [self.eval(a) for a in node.args]
        try:
            if node.static:
                return call_static(node.target.type_name, name, args)
            return call_method(target, name, args, lambda block, a: self._invoke_value(block, a))
        except OpError as e:
            raise self._op_error(e, node.target if e.error_id == "TypeNotFound" else node) from None
        except ConversionError as e:
            raise runtime_error(e.message, e.error_id, self.extent(node), category="InvalidArgument") from None

    def _invoke_value(self, block: ScriptBlock, args: list) -> Any:
        out = self.invoke_block(block, NO_INPUT, args)
        return out[0] if len(out) == 1 else (out or None)

    def _index(self, node: ast.Index) -> Any:
        try:
            return get_index(self.eval(node.target), self.eval(node.index))
        except OpError as e:
            raise self._op_error(e, node) from None
        except ConversionError as e:
            raise runtime_error(e.message, e.error_id, self.extent(node), category="InvalidArgument") from None

    def _op_error(self, e: OpError, node: ast.Node) -> PSError:
        return runtime_error(e.message, e.error_id, self.extent(node), category=e.category, reason=e.reason,
                             target_name=e.target_name, target_type=e.target_type)


def _catches(types: tuple, record: ErrorRecord) -> bool:
    if not types:
        return True
    names = {record.reason.lower(), "exception", "systemexception", "runtimeexception"}
    return any(t.lower().rsplit(".", 1)[-1] in names for t in types)
