"""Console output like PowerShell 4's Out-Default: tables and lists from views, layout, scalars, errors.

Layout rules (PowerShell 4): a table is a blank line, the header, dashes under each header, the rows, and two
blank lines; a list starts with two blank lines and ends each object with a blank line, plus two at the end.
Column widths follow the content unless a view fixes them (longer values are cut with ``...``); numbers are
right-aligned. An object without a view is a table when it has at most four properties, else a list. While a
table is open, objects of another type are printed out of band as lists, and strings, numbers, error records
and host text are printed in place, as the real console does.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Callable

from engine.powershell.convert import to_string, type_names
from engine.powershell.errors import ErrorRecord
from engine.powershell.members import get_member
from engine.powershell.objects import Hashtable, PSEnum, PSObject, ScriptBlock, adapt
from engine.powershell.views import Column, ViewRegistry

ENUMERATION_LIMIT = 4  # $FormatEnumerationLimit
_CATEGORY_WIDTH = 114  # a 120-column console minus the indent: where the CategoryInfo lines wrap
_SCALARS = (str, int, float, bool, PSEnum, _dt.timedelta, _dt.datetime, ScriptBlock)
DICTIONARY_ENTRY = "System.Collections.DictionaryEntry"


class FormatOutput:
    """What Format-Table/Format-List emit: lines already laid out (Out-Default prints them as they are)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def ps_adapt(self) -> PSObject:
        """Seen by scripts as PowerShell's format data object."""
        return PSObject([], ["Microsoft.PowerShell.Commands.Internal.Format.FormatStartData"], mutable=False)


def display(value: Any) -> str:
    """A value as a table cell or list entry shows it (collections as ``{a, b, c, d...}``)."""
    if value is None:
        return ""
    if isinstance(value, list):
        shown = ", ".join(display(v) for v in value[:ENUMERATION_LIMIT])
        return "{" + shown + ("..." if len(value) > ENUMERATION_LIMIT else "") + "}"
    if isinstance(value, Hashtable):
        entries = [f"[{to_string(k)}, {to_string(v)}]" for k, v in list(value.items())[:ENUMERATION_LIMIT]]
        return "{" + ", ".join(entries) + ("..." if len(value) > ENUMERATION_LIMIT else "") + "}"
    return to_string(value)


def value_of(column: Column, obj: Any) -> Any:
    """A column's value for an object: a property (case-insensitive) or the column's function."""
    source = column.source
    return source(adapt(obj)) if callable(source) else get_member(obj, source)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fit(text: str, width: int, align: str) -> str:
    if len(text) > width:
        text = text[:width - 3] + "..." if width > 3 else text[:width]
    return text.rjust(width) if align == "right" else text.ljust(width)


@dataclass
class Table:
    """A table being filled: columns, alignments, rows of raw values."""

    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    type_name: str = ""
    hide_header: bool = False
    group: Any = None  # the value of the view's group_by property for this table

    def add(self, obj: Any) -> int:
        """Add an object's row; returns its index."""
        self.rows.append([value_of(c, obj) for c in self.columns])
        return len(self.rows) - 1

    def layout(self) -> tuple[list[str], list[str]]:
        """(header lines, row lines) with widths from the content or the view."""
        cells = [[display(v).replace("\r\n", " ").replace("\n", " ") for v in row] for row in self.rows]
        widths, aligns = [], []
        for i, col in enumerate(self.columns):
            first = self.rows[0][i] if self.rows else None
            aligns.append(col.align or ("right" if _is_number(first) else "left"))
            widths.append(col.width or max([len(col.header)] + [len(r[i]) for r in cells]))

        def line(texts: list[str]) -> str:
            return " ".join(_fit(t, w, a) for t, w, a in zip(texts, widths, aligns)).rstrip()

        header = [] if self.hide_header else [
            line([c.header for c in self.columns]),
            line(["-" * min(len(c.header), w) for c, w in zip(self.columns, widths)])]
        return header, [line(r) for r in cells]


def list_entry(items: list[tuple[str, Any]]) -> list[str]:
    """One object's lines in list form: ``Label : value`` with labels padded to the longest."""
    if not items:
        return []
    width = max(len(label) for label, _ in items)
    out = []
    for label, value in items:
        text = display(value).replace("\r\n", "\n").split("\n")
        out.append(f"{label.ljust(width)} : {text[0]}".rstrip())
        out.extend((" " * (width + 3) + more).rstrip() for more in text[1:])
    return out


def default_columns(obj: Any, views: ViewRegistry) -> tuple[str, list[Column]]:
    """How an object is shown by default: ("table"|"list", columns)."""
    names = type_names(obj)
    view = views.table_for(names)
    if view is not None:
        return "table", list(view.columns)
    lview = views.list_for(names)
    if lview is not None:
        return "list", list(lview.items)
    obj = adapt(obj)
    columns = [Column(n) for n in obj.names()] if isinstance(obj, PSObject) else []
    return ("table" if len(columns) <= 4 else "list"), columns


def _entries(value: Any) -> list:
    """Out-Default enumerates collections, and shows a hashtable as its entries."""
    if isinstance(value, list):
        return [e for v in value for e in _entries(v)]
    if isinstance(value, Hashtable):
        return [PSObject([("Name", k), ("Value", v)], [DICTIONARY_ENTRY], mutable=False) for k, v in value.items()]
    return [value]


def error_lines(record: ErrorRecord) -> list[str]:
    """An error record as the console prints it, followed by the blank line PowerShell's error view adds."""
    lines = []
    for text in record.render().split("\n"):
        stripped = text.lstrip()
        if stripped.startswith("+ CategoryInfo") or stripped.startswith("+ FullyQualifiedErrorId"):
            lines.extend("    " + stripped[i:i + _CATEGORY_WIDTH] for i in range(0, len(stripped), _CATEGORY_WIDTH))
        else:
            lines.append(text)
    return lines + [""]


class Console:
    """Out-Default: turns a stream of events into console lines.

    Table rows are placeholders until the run ends, because column widths depend on every row.
    """

    def __init__(self, views: ViewRegistry) -> None:
        self.views = views
        self._lines: list[Any] = []  # str, or (table, row index) / (table, None) for the header
        self._table: Table | None = None
        self._list_type: str | None = None

    def write(self, kind: str, payload: Any) -> None:
        """Feed one event: ("out", object), ("err", ErrorRecord) or ("host", text)."""
        if kind == "err":
            self._lines.extend(error_lines(payload))
        elif kind == "host":
            self._lines.extend(to_string(payload).split("\n"))
        else:
            for obj in _entries(payload):
                self._object(obj)

    def _object(self, obj: Any) -> None:
        if obj is None:
            return
        if isinstance(obj, FormatOutput):
            self._close()
            self._lines.extend(obj.lines)
        elif isinstance(obj, ErrorRecord):
            self._lines.extend(error_lines(obj))
        elif isinstance(obj, _SCALARS) or not isinstance(adapt(obj), PSObject):
            self._lines.extend(to_string(obj).replace("\r\n", "\n").split("\n"))
        else:
            self._shaped(obj)

    def _shaped(self, obj: Any) -> None:
        name = type_names(obj)[0]
        view = self.views.table_for(type_names(obj))
        group = get_member(obj, view.group_by) if view is not None and view.group_by else None
        if self._table is not None:
            if name != self._table.type_name:  # another type while a table is open: out of band, as a list
                columns = default_columns(obj, self.views)[1]
                self._lines.extend([""] + list_entry([(c.header, value_of(c, obj)) for c in columns]) + [""])
            elif group != self._table.group:  # same format, next group: group end, then a new labelled table
                self._lines.append("")
                self._start_table(view, name, group, obj)
            else:
                self._lines.append((self._table, self._table.add(obj)))
            return
        if self._list_type is not None and self._list_type != name:
            self._close()
        kind, columns = default_columns(obj, self.views)
        if kind == "table":
            self._close()
            self._lines.append("")
            self._start_table(view, name, group, obj, columns)
        else:
            if self._list_type is None:
                self._lines.extend(["", ""])
                self._list_type = name
            self._lines.extend(list_entry([(c.header, value_of(c, obj)) for c in columns]) + [""])

    def _start_table(self, view, name: str, group: Any, obj: Any, columns: list[Column] | None = None) -> None:
        if view is not None and view.group_by:
            self._lines.extend(["", view.group_label + to_string(group), ""])
        self._table = Table(columns if columns is not None else list(view.columns), type_name=name, group=group)
        self._lines.extend([(self._table, None), (self._table, self._table.add(obj))])

    def _close(self) -> None:
        if self._table is not None or self._list_type is not None:
            self._lines.extend(["", ""])
        self._table, self._list_type = None, None

    def text(self) -> str:
        """The console text: every line ended by a newline."""
        self._close()
        layouts: dict[int, tuple[list[str], list[str]]] = {}
        out = []
        for item in self._lines:
            if isinstance(item, str):
                out.append(item)
                continue
            table, row = item
            header, rows = layouts.setdefault(id(table), table.layout())
            out.extend(header if row is None else [rows[row]])
        return "".join(line + "\n" for line in out)


def render(events: list[tuple[str, Any]], views: ViewRegistry) -> str:
    """The console text of a run's events."""
    console = Console(views)
    for kind, payload in events:
        console.write(kind, payload)
    return console.text()


def format_table(objects: list, views: ViewRegistry, columns: list[Column] | None = None,
                 hide_header: bool = False) -> list[str]:
    """Format-Table: one table per run of objects of the same type (or one table with explicit columns)."""
    lines: list[str] = []
    table: Table | None = None
    for obj in [o for v in objects for o in _entries(v)]:
        name = type_names(obj)[0] if type_names(obj) else ""
        if table is None or (columns is None and name != table.type_name):
            if table is not None:
                lines += _table_lines(table)
            cols = columns if columns is not None else default_columns(obj, views)[1]
            table = Table(cols or [Column("", lambda o: o)], type_name=name, hide_header=hide_header)
        table.add(obj)
    return lines + (_table_lines(table) if table is not None else [])


def _table_lines(table: Table) -> list[str]:
    header, rows = table.layout()
    return [""] + header + rows + ["", ""]


def format_list(objects: list, views: ViewRegistry, columns: Callable[[Any], list[Column]]) -> list[str]:
    """Format-List: ``columns(obj)`` gives the entries of each object."""
    items = [o for v in objects for o in _entries(v) if o is not None]
    if not items:
        return []
    lines = ["", ""]
    for obj in items:
        lines += list_entry([(c.header, value_of(c, obj)) for c in columns(obj)]) + [""]
    return lines + ["", ""]
