"""Parse PowerShell text into the AST: ``parse(script) -> ast.Script`` or ``ParseError``.

The LALR parser is compiled once from grammar.lark and kept at module level (it is immutable and reentrant:
each parse gets its own ParseJob); the AstBuilder runs inline while parsing, so no parse tree is built.
"""
from __future__ import annotations

import threading
from collections import OrderedDict, namedtuple
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from engine.powershell import ast
from engine.powershell.errors import Extent, ParseError
from engine.powershell.lexer import ParseJob, PSLexer
from engine.powershell.parse_errors import explain
from engine.powershell.scanning import LineMap, ScanError

__all__ = ["parse", "ParseError", "parse_cache_info", "clear_parse_cache"]

CACHE_SIZE = 512  # parsed scripts kept (typed commands, lab checks, the WinRM snapshot script)
CACHE_MAX_CHARS = 16 * 1024  # longer scripts are parsed each time rather than kept
CACHE_BUDGET_CHARS = 512 * 1024  # all kept scripts together (a tree takes ~40 bytes per character: ~20 MB)

_MAX_STRING_NESTING = 16  # "$( "$( … )" )" nesting; deeper input is refused rather than exhausting the stack
_ASSIGNABLE = (ast.Variable, ast.Member, ast.Index)


def _pos(first, last) -> dict:
    if isinstance(first, Token):
        start, line, column = first.start_pos, first.line, first.column
    else:
        start, line, column = first.start, first.line, first.column
    end = last.end_pos if isinstance(last, Token) else last.end
    return {"start": start, "end": end, "line": line, "column": column}


def _op(token: Token) -> str:
    value = token.value
    if token.type in ("CMP_OP", "LOGICAL_OP", "FORMAT_OP", "UNARY_OP", "NOT"):
        if value.startswith("i") and value not in ("in", "is", "isnot"):
            value = value[1:]  # -ieq is -eq: comparisons are case-insensitive by default
        return "-not" if value in ("!", "not") else "-" + value
    return value


def _reject(message: str, error_id: str, node) -> None:
    raise ScanError(message, error_id, node.start, node.end)


def _member_name(tok: Token) -> dict:
    """A MEMBER token's name: a word or quoted string, or (``."$x"``, ``.$x``) an expandable name."""
    if isinstance(tok.value, str):
        return {"name": tok.value}
    return {"name": "", "name_expr": ast.ExpandableString(parts=tok.value, start=tok.start_pos + 1, end=tok.end_pos,
                                                          line=tok.line, column=tok.column + 1)}


def _static_type(tok: Token) -> ast.TypeLiteral:
    type_name, _member, type_end = tok.value
    return ast.TypeLiteral(type_name=type_name, start=tok.start_pos, end=type_end, line=tok.line, column=tok.column)


class _AstBuilder(Transformer):
    """Callbacks named after grammar rules and aliases; each returns an AST node (or a plain tuple)."""

    def start(self, c):
        return c[0]

    fragment = start

    def statements(self, c):
        if not c:
            return ast.Block(start=0, end=0, line=1, column=1, statements=())
        return ast.Block(statements=tuple(c), **_pos(c[0], c[-1]))

    def assignment(self, c):
        target, op = c[0], c[1]
        inner = target.operand if isinstance(target, ast.Cast) else target
        if not isinstance(inner, _ASSIGNABLE):
            _reject("The assignment expression is not valid. The input to an assignment operator must be an object "
                    "that is able to accept assignments, such as a variable or a property.", "InvalidLeftHandSide",
                    target)
        if op.type == "INCDEC":
            return ast.Assignment(target=inner, op=op.value, value=None, **_pos(target, op))
        return ast.Assignment(target=inner, op=op.value, value=c[2], **_pos(target, c[2]))

    def pipeline(self, c):
        elements = tuple(x for x in c if not isinstance(x, Token))
        return ast.Pipeline(elements=elements, **_pos(c[0], c[-1]))

    def command(self, c):
        head = c[0]
        if head.type == "AMP":
            target = c[1]
            name = target.value if isinstance(target, ast.Constant) and isinstance(target.value, str) else ""
            return ast.Command(name=name, name_extent=(target.start, target.end), elements=tuple(c[2:]),
                               name_expr=None if name else target, **_pos(head, c[-1]))
        return ast.Command(name=head.value, name_extent=(head.start_pos, head.end_pos), elements=tuple(c[1:]),
                           **_pos(head, c[-1]))

    def param(self, c):
        return ast.CommandParameter(name=c[0].value, colon=False, argument=None, **_pos(c[0], c[0]))

    def param_colon(self, c):
        return ast.CommandParameter(name=c[0].value, colon=True, argument=c[1], **_pos(c[0], c[1]))

    def splat(self, c):
        return ast.Splat(variable=c[0].value, **_pos(c[0], c[0]))

    def argument(self, c):
        return ast.CommandArgument(value=c[0], **_pos(c[0], c[0]))

    def cmd_arg_list(self, c):
        items = tuple(x for x in c if not isinstance(x, Token))
        return items[0] if len(items) == 1 else ast.ArrayLiteral(items=items, **_pos(c[0], c[-1]))

    def bare_word(self, c):
        tok = c[0]
        parts = tok.value
        if all(isinstance(p, str) for p in parts):
            return ast.Constant(value="".join(parts), **_pos(tok, tok))
        return ast.ExpandableString(parts=parts, **_pos(tok, tok))

    def binary(self, c):
        return ast.BinaryOp(op=_op(c[1]), left=c[0], right=c[2], **_pos(c[0], c[2]))

    def array(self, c):
        return ast.ArrayLiteral(items=tuple(x for x in c if not isinstance(x, Token)), **_pos(c[0], c[-1]))

    def unary(self, c):
        return ast.UnaryOp(op=_op(c[0]), operand=c[1], **_pos(c[0], c[1]))

    def cast(self, c):
        return ast.Cast(type_name=c[0].value, operand=c[1], **_pos(c[0], c[1]))

    def member(self, c):
        return ast.Member(target=c[0], **_member_name(c[1]), **_pos(c[0], c[1]))

    def method_call(self, c):
        return ast.MethodCall(target=c[0], args=c[3], **_member_name(c[1]), **_pos(c[0], c[4]))

    def type_literal(self, c):
        return ast.TypeLiteral(type_name=c[0].value, **_pos(c[0], c[0]))

    def static_member(self, c):
        return ast.Member(target=_static_type(c[0]), name=c[0].value[1], static=True, **_pos(c[0], c[0]))

    def static_call(self, c):
        return ast.MethodCall(target=_static_type(c[0]), name=c[0].value[1], args=c[2], static=True,
                              **_pos(c[0], c[3]))

    def call_args(self, c):
        if not c:
            return ()
        # method arguments are comma separated; the comma operator already grouped them into one array
        return c[0].items if isinstance(c[0], ast.ArrayLiteral) else (c[0],)

    def index(self, c):
        return ast.Index(target=c[0], index=c[2], **_pos(c[0], c[3]))

    def variable(self, c):
        return ast.Variable(name=c[0].value, **_pos(c[0], c[0]))

    def number(self, c):
        return ast.Constant(value=c[0].value, **_pos(c[0], c[0]))

    string = number

    def expandable(self, c):
        return ast.ExpandableString(parts=c[0].value, **_pos(c[0], c[0]))

    def paren(self, c):
        return ast.Paren(pipeline=c[1], **_pos(c[0], c[2]))

    def subexpr(self, c):
        return ast.SubExpression(body=c[1], array=False, **_pos(c[0], c[2]))

    def arrayexpr(self, c):
        return ast.SubExpression(body=c[1], array=True, **_pos(c[0], c[2]))

    def hashtable(self, c):
        return ast.HashLiteral(entries=c[1], **_pos(c[0], c[2]))

    def hash_body(self, c):
        seen = set()
        for key, _value in c:
            if isinstance(key, ast.Constant):
                folded = str(key.value).lower()
                if folded in seen:
                    _reject(f"Duplicate keys '{key.value}' are not allowed in hash literals.",
                            "DuplicateKeyInHashLiteral", key)
                seen.add(folded)
        return tuple(c)

    def hash_entry(self, c):
        return (c[0], c[2])

    def hash_key_word(self, c):
        return ast.Constant(value=c[0].value, **_pos(c[0], c[0]))

    def scriptblock(self, c):
        return ast.ScriptBlockExpr(body=c[1], text=c[2].value, **_pos(c[0], c[2]))

    def block(self, c):
        return ast.Block(statements=c[1].statements, **_pos(c[0], c[2]))

    def if_stmt(self, c):
        clauses = [(c[2], c[4])] + [(x[1], x[2]) for x in c[5:] if x[0] == "elseif"]
        else_block = next((x[1] for x in c[5:] if x[0] == "else"), None)
        return ast.If(clauses=tuple(clauses), else_block=else_block, **_pos(c[0], c[-1] if not isinstance(
            c[-1], tuple) else c[-1][-1]))

    def elseif_clause(self, c):
        return ("elseif", c[2], c[4])

    def else_clause(self, c):
        return ("else", c[1])

    def foreach_stmt(self, c):
        return ast.Foreach(variable=c[2].value, iterable=c[4], body=c[6], **_pos(c[0], c[6]))

    def for_stmt(self, c):
        return ast.For(init=c[2], condition=c[3], iterator=c[4], body=c[6], **_pos(c[0], c[6]))

    def for_part(self, c):
        return c[0] if c else None

    def while_stmt(self, c):
        return ast.While(condition=c[2], body=c[4], **_pos(c[0], c[4]))

    def try_stmt(self, c):
        catches = tuple((x[1], x[2]) for x in c[2:] if x[0] == "catch")
        final = next((x[1] for x in c[2:] if x[0] == "finally"), None)
        if not catches and final is None:
            raise ScanError("The Try statement is missing its Catch or Finally block.", "MissingCatchOrFinally",
                            c[1].end, c[1].end)
        last = c[-1][-1] if len(c) > 2 else c[1]
        return ast.Try(body=c[1], catches=catches, finally_block=final, **_pos(c[0], last))

    def catch_clause(self, c):
        return ("catch", c[1], c[2])

    def catch_types(self, c):
        return tuple(t.value for t in c if t.type == "TYPE")

    def finally_clause(self, c):
        return ("finally", c[1])

    def flow_stmt(self, c):
        value = c[1] if len(c) > 1 else None
        return ast.Flow(keyword=c[0].value, value=value, **_pos(c[0], c[-1]))


_PARSER = Lark(Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8"), parser="lalr", lexer=PSLexer,
               start=["start", "fragment"], transformer=_AstBuilder(), maybe_placeholders=False)


def parse(script: str) -> ast.Script:
    """Parse a whole script; raises ParseError (with PowerShell's message, id and position) on bad input.

    Parsed scripts are remembered (least recently used first out): the AST is immutable (frozen dataclasses of
    tuples, strings and numbers) and the interpreter never changes it, so every run can share one tree. Failed
    parses are not remembered (each run gets a fresh ParseError) and neither are very long scripts.
    """
    if len(script) > CACHE_MAX_CHARS:
        return _parse(script)
    return _CACHE.get(script)


def _parse(script: str) -> ast.Script:
    job = ParseJob(script, 0, LineMap(script), False, 0, _parse_sub)
    block = _run(job, "start")
    return ast.Script(statements=block.statements, source=script, start=0, end=len(script), line=1, column=1)


def _parse_sub(outer: ParseJob, offset: int) -> tuple[ast.Block, int]:
    """Parse the body of ``$( … )`` inside an expandable string; returns the block and the offset after ``)``."""
    if outer.depth >= _MAX_STRING_NESTING:
        raise ScanError("Subexpressions inside strings are nested too deeply.", "SubexpressionNestingTooDeep",
                        offset - 2, offset)
    job = ParseJob(outer.source, offset, outer.linemap, True, outer.depth + 1, _parse_sub)
    job.end = -1
    block = _run(job, "fragment")
    if job.end < 0:
        last = job.history[-1].end_pos if job.history else offset
        raise ParseError("Missing closing ')' in subexpression.", "MissingEndParenthesisInSubexpression",
                         Extent(outer.source, last, last))
    return block, job.end


def _run(job: ParseJob, start: str) -> ast.Block:
    try:
        return _PARSER.parse(job, start=start)
    except UnexpectedInput as e:
        raise explain(job, e) from None
    except ScanError as e:
        raise ParseError(e.message, e.error_id, Extent(job.source, e.start, e.end)) from None
    except RecursionError:
        raise ParseError("The script is nested too deeply to be parsed.", "ScriptNestingTooDeep",
                         Extent(job.source, job.start, job.start)) from None


CacheInfo = namedtuple("CacheInfo", "hits misses maxsize currsize chars")


class _ParseCache:
    """Least-recently-used parsed scripts, bounded by count and by their total length; thread-safe."""

    def __init__(self) -> None:
        self._trees: OrderedDict[str, ast.Script] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = self.chars = 0

    def get(self, script: str) -> ast.Script:
        with self._lock:
            tree = self._trees.get(script)
            if tree is not None:
                self._trees.move_to_end(script)
                self.hits += 1
                return tree
            self.misses += 1
        tree = _parse(script)  # outside the lock: parses run in parallel; raises ParseError (not kept)
        with self._lock:
            if script not in self._trees:
                self._trees[script] = tree
                self.chars += len(script)
                while len(self._trees) > CACHE_SIZE or self.chars > CACHE_BUDGET_CHARS:
                    old, _ = self._trees.popitem(last=False)
                    self.chars -= len(old)
        return tree

    def info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(self.hits, self.misses, CACHE_SIZE, len(self._trees), self.chars)

    def clear(self) -> None:
        with self._lock:
            self._trees.clear()
            self.hits = self.misses = self.chars = 0


_CACHE = _ParseCache()


def parse_cache_info() -> CacheInfo:
    """Hits, misses, entries and total characters of the parse cache."""
    return _CACHE.info()


def clear_parse_cache() -> None:
    """Forget every parsed script."""
    _CACHE.clear()
