"""The default registry: core cmdlets and the views of core types (jobs, commands, members, hashtable
entries)."""
from __future__ import annotations

from engine.powershell.cmdlets_info import COMMAND_INFO, MEMBER_DEFINITION, info_cmdlets
from engine.powershell.cmdlets_objects import object_cmdlets
from engine.powershell.cmdlets_output import output_cmdlets
from engine.powershell.format import DICTIONARY_ENTRY
from engine.powershell.registry import Registry
from engine.powershell.views import Column


def default_registry() -> Registry:
    """A new registry with the core cmdlets and views; extend it (or a ``copy()``) with more cmdlets."""
    registry = Registry()
    for cmdlet in object_cmdlets() + output_cmdlets() + info_cmdlets():
        registry.register(cmdlet)
    views = registry.views
    views.table("System.Management.Automation.Job",
                *(Column(h, width=w) for h, w in (
                    ("Id", 6), ("Name", 15), ("PSJobTypeName", 15), ("State", 13), ("HasMoreData", 15),
                    ("Location", 20), ("Command", 25))))
    views.table(COMMAND_INFO, Column("CommandType", width=15), Column("Name", "DisplayName", width=50),
                Column("ModuleName"))
    views.table(DICTIONARY_ENTRY, Column("Name", width=30), Column("Value"))
    views.table(MEMBER_DEFINITION, Column("Name", width=20), Column("MemberType", width=14), Column("Definition"),
                group_by="TypeName")
    return registry
