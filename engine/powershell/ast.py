"""AST of the PowerShell subset: immutable dataclasses, each carrying its source position.

Every node has ``start``/``end`` (character offsets into the script, end exclusive) and ``line``/``column``
(1-based, of ``start``), so runtime errors can point at the exact extent the way PowerShell does.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_NODE = dict(frozen=True, slots=True, kw_only=True)


@dataclass(**_NODE)
class Node:
    """Base of all nodes: the extent in the source."""

    start: int
    end: int
    line: int
    column: int


# ----------------------------------------------------------------------------------------------- statements
@dataclass(**_NODE)
class Block(Node):
    """A statement list: a script, a ``{ }`` block, the body of ``$( )`` / ``@( )``."""

    statements: tuple


@dataclass(**_NODE)
class Script(Block):
    """A whole script; keeps the source text so error records can quote it."""

    source: str


@dataclass(**_NODE)
class Pipeline(Node):
    """``a | b | c``; the first element may be an expression, the others are commands."""

    elements: tuple


@dataclass(**_NODE)
class Assignment(Node):
    """``target op value`` with op one of ``= += -= *= /= %=``; also ``$i++`` (op ``++``/``--``, value None)."""

    target: Node
    op: str
    value: Node | None


@dataclass(**_NODE)
class If(Node):
    """``if (c) {…} elseif (c) {…} else {…}``: clauses are (condition, block) pairs."""

    clauses: tuple
    else_block: Block | None


@dataclass(**_NODE)
class Foreach(Node):
    """``foreach ($x in <pipeline>) {…}``."""

    variable: str
    iterable: Node
    body: Block


@dataclass(**_NODE)
class For(Node):
    """``for (init; condition; iterator) {…}``; each part may be None."""

    init: Node | None
    condition: Node | None
    iterator: Node | None
    body: Block


@dataclass(**_NODE)
class While(Node):
    """``while (c) {…}``."""

    condition: Node
    body: Block


@dataclass(**_NODE)
class Try(Node):
    """``try {…} catch [T] {…} finally {…}``: catches are (type names, block) pairs."""

    body: Block
    catches: tuple
    finally_block: Block | None


@dataclass(**_NODE)
class Flow(Node):
    """``break``, ``continue``, ``return [x]``, ``throw [x]``."""

    keyword: str
    value: Node | None


# ----------------------------------------------------------------------------------------------- commands
@dataclass(**_NODE)
class Command(Node):
    """A command invocation; ``name`` as typed, ``name_expr`` set for ``& <expr>`` invocations."""

    name: str
    name_extent: tuple  # (start, end) of the command name, where "not recognized" errors point
    elements: tuple
    name_expr: Node | None = None


@dataclass(**_NODE)
class CommandParameter(Node):
    """``-Name`` or ``-Name:<arg>`` (``argument`` set only for the colon form)."""

    name: str
    colon: bool
    argument: Node | None


@dataclass(**_NODE)
class Splat(Node):
    """``@name``: a hashtable's entries become named parameters, an array's items positional arguments."""

    variable: str


@dataclass(**_NODE)
class CommandArgument(Node):
    """An argument in argument mode (``a,b`` arrives as one ArrayLiteral)."""

    value: Node


# ----------------------------------------------------------------------------------------------- expressions
@dataclass(**_NODE)
class Constant(Node):
    """A number, a verbatim string, or a bare word."""

    value: Any


@dataclass(**_NODE)
class ExpandableString(Node):
    """A double-quoted string or bare word with ``$var`` / ``$( )`` parts (str, Variable or Block)."""

    parts: tuple


@dataclass(**_NODE)
class Variable(Node):
    """``$name``; ``name`` has no ``$`` and no scope prefix (``env:`` is kept)."""

    name: str


@dataclass(**_NODE)
class ArrayLiteral(Node):
    """``a, b, c``."""

    items: tuple


@dataclass(**_NODE)
class HashLiteral(Node):
    """``@{ k = v; … }``: entries are (key expression, value pipeline) pairs."""

    entries: tuple


@dataclass(**_NODE)
class ScriptBlockExpr(Node):
    """``{ … }`` as a value; ``text`` is what sits between the braces."""

    body: Block
    text: str


@dataclass(**_NODE)
class Paren(Node):
    """``( pipeline )``."""

    pipeline: Node


@dataclass(**_NODE)
class SubExpression(Node):
    """``$( … )`` (``array`` False) or ``@( … )`` (``array`` True)."""

    body: Block
    array: bool


@dataclass(**_NODE)
class BinaryOp(Node):
    """Any binary operator; ``op`` is canonical lower case (``-eq``, ``-ceq``, ``+``, ``..``, ``-and``)."""

    op: str
    left: Node
    right: Node


@dataclass(**_NODE)
class UnaryOp(Node):
    """``-not x``, ``!x``, ``-x``, ``+x``, ``,x``, ``-join x``, ``-split x``."""

    op: str
    operand: Node


@dataclass(**_NODE)
class Cast(Node):
    """``[type] x``."""

    type_name: str
    operand: Node


@dataclass(**_NODE)
class Member(Node):
    """``target.Name``; ``name_expr`` for ``target."$x"``/``target.$x`` (name empty); ``static`` for
    ``[Type]::Name`` (target is then a TypeLiteral)."""

    target: Node
    name: str
    name_expr: Node | None = None
    static: bool = False


@dataclass(**_NODE)
class MethodCall(Node):
    """``target.Name(args)``; ``name_expr`` and ``static`` as for Member."""

    target: Node
    name: str
    args: tuple
    name_expr: Node | None = None
    static: bool = False


@dataclass(**_NODE)
class TypeLiteral(Node):
    """``[type]`` on its own (``$x -is [string]``), or the type of ``[Type]::Member``."""

    type_name: str


@dataclass(**_NODE)
class Index(Node):
    """``target[index]``."""

    target: Node
    index: Node
