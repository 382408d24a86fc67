"""A PowerShell 4 subset: parser, interpreter, cmdlet registry with real binding rules, console formatting.

Typical use::

    from engine.powershell import Runspace, default_registry, Cmdlet, Param

    registry = default_registry()
    registry.register(Cmdlet("Get-Thing", "Fake.GetThingCommand", get_thing, [Param("Name", "string", position=0)]))
    result = Runspace(registry, {"lab": lab}).run("Get-Thing x | Format-List")
"""
from engine.powershell.core import default_registry
from engine.powershell.errors import ErrorRecord, Extent, ParseError
from engine.powershell.jobs import Job, JobTable
from engine.powershell.objects import Hashtable, PSEnum, PSObject, ScriptBlock
from engine.powershell.parser import parse
from engine.powershell.pipeline import CommandContext
from engine.powershell.quoting import ps_quote
from engine.powershell.registry import Cmdlet, CmdletImpl, Param, Registry
from engine.powershell.runspace import PSResult, Runspace
from engine.powershell.views import Column, ViewRegistry

__all__ = ["Cmdlet", "CmdletImpl", "Column", "CommandContext", "ErrorRecord", "Extent", "Hashtable", "Job", "JobTable",
           "PSEnum", "PSObject", "PSResult", "Param", "ParseError", "Registry", "Runspace", "ScriptBlock",
           "ViewRegistry", "default_registry", "parse", "ps_quote"]
