"""Format views by type name, like PowerShell's format.ps1xml: default table columns and list entries.

    views.table("Microsoft.HyperV.PowerShell.VirtualMachine",
                Column("Name"), Column("State"),
                Column("MemoryAssigned(M)", lambda vm: vm["MemoryAssigned"] // 1048576),
                Column("Status", width=20))

A column's ``value`` is a property name (default: the header) or a function of the object; ``align`` is
``"left"``/``"right"`` (in a view the default is left, as in PowerShell's views; tables built from properties,
without a view, right-align numbers); ``width`` fixes the column width (longer values are cut with ``...``),
otherwise the width follows the content.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class Column:
    """One table column or list entry."""

    header: str
    value: str | Callable[[Any], Any] | None = None
    align: str | None = None
    width: int | None = None

    @property
    def source(self) -> str | Callable[[Any], Any]:
        """The property name or function that gives the value."""
        return self.header if self.value is None else self.value


@dataclass(frozen=True)
class TableView:
    """A default table view; ``group_by`` starts a new table under ``group_label + value`` when it changes."""

    columns: tuple[Column, ...]
    group_by: str | None = None
    group_label: str = ""


@dataclass(frozen=True)
class ListView:
    """A default list view."""

    items: tuple[Column, ...]


def _columns(items: Iterable[Column | str]) -> tuple[Column, ...]:
    columns = (c if isinstance(c, Column) else Column(c) for c in items)
    return tuple(c if c.align else Column(c.header, c.value, "left", c.width) for c in columns)


class ViewRegistry:
    """Table and list views keyed by type name (case-insensitive); copy() before extending a shared one."""

    def __init__(self) -> None:
        self._tables: dict[str, TableView] = {}
        self._lists: dict[str, ListView] = {}

    def table(self, type_name: str, *columns: Column | str, group_by: str | None = None,
              group_label: str | None = None) -> None:
        """Register the default table view of a type (optionally grouped, like Get-Member's TypeName groups)."""
        label = group_label if group_label is not None else f"   {group_by}: "
        self._tables[type_name.lower()] = TableView(_columns(columns), group_by, label if group_by else "")

    def list(self, type_name: str, *items: Column | str) -> None:
        """Register the default list view of a type."""
        self._lists[type_name.lower()] = ListView(_columns(items))

    def table_for(self, type_names: Iterable[str]) -> TableView | None:
        """The table view of the most specific type name that has one."""
        for name in type_names:
            view = self._tables.get(name.lower())
            if view is not None:
                return view
        return None

    def list_for(self, type_names: Iterable[str]) -> ListView | None:
        """The list view of the most specific type name that has one."""
        for name in type_names:
            view = self._lists.get(name.lower())
            if view is not None:
                return view
        return None

    def copy(self) -> ViewRegistry:
        """An independent copy."""
        other = ViewRegistry()
        other._tables, other._lists = dict(self._tables), dict(self._lists)
        return other
