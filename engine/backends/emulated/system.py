"""Operating-system commands over the emulated lab: power, network adapters, time, files, and two console tools.

- Stop-Computer runs the lab's ``shutdown_host`` (a cluster node drains first when DrainOnShutdown = 1, in the
  lab); Restart-Computer shuts the host down and starts it again.
- Get-NetAdapter shows a host's physical adapters; Disable-/Enable-NetAdapter run ``set_net_adapter_state``
  (network health protection reacts in the lab). Like the real CDXML cmdlets they address another computer with
  ``-CimSession`` (a computer name), not ``-ComputerName``.
- Start-Sleep advances the lab's simulated clock, so running migrations progress.
- Test-Path and Get-ChildItem look at the lab's file model from the console's computer.
- ``klist`` and ``hostname`` are external programs: they print what the real ones print (klist changes nothing).
"""
from __future__ import annotations

import fnmatch
import hashlib
import ntpath
from typing import Any

from engine.backends.emulated.context import attempt, caller_of, lab_of, names
from engine.errors import LabError
from engine.hyperv.catalogue import error
from engine.powershell.objects import PSObject
from engine.powershell.registry import Cmdlet, Param, Registry
from engine.powershell.views import Column

_CIM = "Microsoft.Management.Infrastructure.CimInstance"
NET_ADAPTER = (f"{_CIM}#ROOT/StandardCimv2/MSFT_NetAdapter", f"{_CIM}#ROOT/StandardCimv2/MSFT_NetAdapterBase",
               f"{_CIM}#ROOT/StandardCimv2/CIM_NetworkAdapter", _CIM)
FILE, DIRECTORY = ("System.IO.FileInfo", "System.IO.FileSystemInfo"), ("System.IO.DirectoryInfo",
                                                                       "System.IO.FileSystemInfo")
_LOCAL = {".", "localhost", "127.0.0.1"}
_PS = "Microsoft.PowerShell.Commands"
GB = 2**30


def _computer(name: Any) -> str | None:
    """A -ComputerName / -CimSession value as a lab host name; None means the console's own computer."""
    if isinstance(name, PSObject):
        name = name.get("ComputerName")
    return None if name is None or str(name).lower() in _LOCAL else str(name)


def _computers(value: Any) -> list[str | None]:
    return [_computer(v) for v in names(value)] or [None]


# --- power ----------------------------------------------------------------------------------------------------
def stop_computer(ctx, params: dict) -> None:
    lab, caller = lab_of(ctx), caller_of(ctx)
    for name in _computers(params.get("ComputerName")):
        if ctx.should_process(name or caller.computer or "localhost", "Stop-Computer"):
            attempt(ctx, lab.shutdown_host, name, caller=caller)


def restart_computer(ctx, params: dict) -> None:
    lab, caller = lab_of(ctx), caller_of(ctx)
    for name in _computers(params.get("ComputerName")):
        target = name or caller.computer or "localhost"
        if ctx.should_process(target, "Restart-Computer") and \
                attempt(ctx, lab.shutdown_host, name, caller=caller) is not None:
            attempt(ctx, lab.start_host, target, caller=caller)


# --- network adapters -----------------------------------------------------------------------------------------
def _host_state(ctx, name: str | None):
    """The snapshot of the host a CIM cmdlet addresses, or None after writing the lab's error."""
    lab = lab_of(ctx)
    try:
        host = lab.world.host(name or caller_of(ctx).computer or "localhost")
        if not host.online:
            raise error("host.offline", target=host.name, name=host.name)
    except LabError as err:
        ctx.write_error(err)
        return None
    return lab.snapshot().host(host.name)


def adapter_object(host: str, session: str | None, index: int, adapter) -> PSObject:
    """An MSFT_NetAdapter. The lab knows no hardware model, so the description is the adapter's name (the same
    value Get-VMSwitch shows as NetAdapterInterfaceDescription)."""
    digest = hashlib.sha1(f"{host}/{adapter.Name}".lower().encode()).hexdigest()
    mac = "00-15-5D-" + "-".join(digest[i:i + 2].upper() for i in (0, 2, 4))
    return PSObject([("Name", adapter.Name), ("InterfaceDescription", adapter.Name), ("ifIndex", 12 + index),
                     ("Status", adapter.Status), ("MacAddress", mac), ("LinkSpeed", adapter.LinkSpeed),
                     ("SystemName", host), ("PSComputerName", session)], NET_ADAPTER, ref=(host, adapter.Name))


def get_net_adapter(ctx, params: dict) -> None:
    for session in _computers(params.get("CimSession")):
        state = _host_state(ctx, session)
        if state is None:
            continue
        adapters = [adapter_object(state.Name, session, i, a) for i, a in enumerate(state.NetAdapters)]
        for pattern in names(params.get("Name")) or ["*"]:
            found = [a for a in adapters if fnmatch.fnmatchcase(a["Name"].lower(), pattern.lower())]
            if found:
                ctx.write_output(found, enumerate=True)
            elif not any(c in pattern for c in "*?["):
                ctx.write_error(error("netadapter.not_found", target=pattern, name=pattern))


def _matching(ctx, session: str | None, pattern: str) -> list[str]:
    """The adapter names a -Name pattern stands for on a host (a plain name stands for itself)."""
    if not any(c in pattern for c in "*?["):
        return [pattern]
    state = _host_state(ctx, session)
    return [] if state is None else [a.Name for a in state.NetAdapters
                                     if fnmatch.fnmatchcase(a.Name.lower(), pattern.lower())]


def _set_adapters(ctx, params: dict, enabled: bool) -> None:
    lab, caller = lab_of(ctx), caller_of(ctx)
    # (host, adapter): from Get-NetAdapter objects, else each -Name / -InterfaceDescription on each -CimSession
    targets: list[tuple[str | None, str]] = [obj.ref for obj in names(params.get("InputObject"))]
    for session in _computers(params.get("CimSession")) if not targets else []:
        for pattern in names(params.get("Name")) + names(params.get("InterfaceDescription")):
            targets += [(session, n) for n in _matching(ctx, session, pattern)]
    action = "Enable-NetAdapter" if enabled else "Disable-NetAdapter"
    for host, name in targets:
        if not ctx.should_process(name, action):
            continue
        nic = attempt(ctx, lab.set_net_adapter_state, host, name, enabled, caller=caller)
        if nic is not None and params.get("PassThru"):
            state = lab.snapshot().host(host or caller.computer)
            index, adapter = next((i, a) for i, a in enumerate(state.NetAdapters) if a.Name == nic.name)
            ctx.write_output(adapter_object(state.Name, host, index, adapter))


def disable_net_adapter(ctx, params: dict) -> None:
    _set_adapters(ctx, params, False)


def enable_net_adapter(ctx, params: dict) -> None:
    _set_adapters(ctx, params, True)


# --- time and files -------------------------------------------------------------------------------------------
def start_sleep(ctx, params: dict) -> None:
    seconds = params["Seconds"] if "Seconds" in params else params["Milliseconds"] / 1000
    lab_of(ctx).advance(seconds)


def _file_at(ctx, path: str) -> list:
    """The file at ``path`` as a one-item list (empty when there is none), found in its folder's listing."""
    parent = attempt(ctx, lab_of(ctx).list_files, ntpath.dirname(path.rstrip("\\")), caller=caller_of(ctx)) or []
    return [f for f in parent if f.path.lower() == path.rstrip("\\").lower()]


def test_path(ctx, params: dict) -> None:
    lab, caller = lab_of(ctx), caller_of(ctx)
    kind = params.get("PathType") or "Any"
    for path in names(params.get("Path")) + names(params.get("LiteralPath")):
        if kind == "Leaf":
            found = bool(_file_at(ctx, path))
        elif kind == "Container":  # in the lab a folder exists while it holds files
            files = attempt(ctx, lab.list_files, path, caller=caller)
            found = None if files is None else bool(files)
        else:
            found = attempt(ctx, lab.test_path, path, caller=caller)
        if found is not None:
            ctx.write_output(found)


def _file_object(path: str, size_gb: float) -> PSObject:
    name = ntpath.basename(path)
    return PSObject([("Name", name), ("Length", int(size_gb * GB)), ("FullName", path),
                     ("DirectoryName", ntpath.dirname(path)), ("Extension", ntpath.splitext(name)[1]),
                     ("Mode", "-a---")], FILE)


def _directory_object(path: str) -> PSObject:
    return PSObject([("Name", ntpath.basename(path)), ("FullName", path), ("Mode", "d----")], DIRECTORY)


def _children(folder: str, files: list, recurse: bool) -> list[PSObject]:
    """What Get-ChildItem lists under ``folder``: its folders first, then its files (all of them with -Recurse)."""
    root = folder.rstrip("\\")
    dirs, out = [], []
    for f in files:
        parts = f.path[len(root) + 1:].split("\\")
        for depth in range(1, len(parts) if recurse else min(len(parts), 2)):
            sub = root + "\\" + "\\".join(parts[:depth])
            if sub.lower() not in (d.lower() for d in dirs):
                dirs.append(sub)
        if recurse or len(parts) == 1:
            out.append(_file_object(f.path, f.size_gb))
    return [_directory_object(d) for d in dirs] + out


def get_child_item(ctx, params: dict) -> None:
    lab, caller = lab_of(ctx), caller_of(ctx)
    for path in names(params.get("Path")) or ["C:\\"]:
        files = attempt(ctx, lab.list_files, path, caller=caller)
        if files is None:
            continue
        if not files:
            # A path that lists nothing is a file, or does not exist (the lab has no empty folders).
            files = _file_at(ctx, path)
            if not files:
                ctx.write_error(f"Cannot find path '{path}' because it does not exist.", error_id="PathNotFound",
                                category="ObjectNotFound", reason="ItemNotFoundException", target=path)
                continue
            items = [_file_object(f.path, f.size_gb) for f in files]
        else:
            items = _children(path, files, bool(params.get("Recurse")))
        if params.get("File"):
            items = [i for i in items if FILE[0] in i.type_names]
        if params.get("Directory"):
            items = [i for i in items if DIRECTORY[0] in i.type_names]
        if params.get("Filter"):
            items = [i for i in items if fnmatch.fnmatch(i["Name"].lower(), params["Filter"].lower())]
        ctx.write_output([i["Name"] for i in items] if params.get("Name") else items, enumerate=True)


# --- external programs ----------------------------------------------------------------------------------------
_LOGON_ID = "0:0x3a6d1"  # the interactive administrator's logon session (any value; klist just prints it)


def klist(ctx, params: dict) -> None:
    low = params.get("li")
    lines = ["", f"Current LogonId is {_LOGON_ID}"]
    if low is not None:
        lines.append(f"Targeted LogonId is 0:{hex(low) if isinstance(low, int) else low}")
    command = (params.get("Command") or "tickets").lower()
    if command == "purge":
        lines += ["\tDeleting all tickets:", "\tTicket(s) purged!"]
    elif command in ("tickets", "tgt"):
        lines += ["", "Cached Tickets: (0)"]
    ctx.write_output(lines, enumerate=True)


def hostname(ctx, params: dict) -> None:
    env = ctx.services.get("env") or {}
    ctx.write_output(caller_of(ctx).computer or env.get("COMPUTERNAME", "localhost"))


# --- registration ---------------------------------------------------------------------------------------------
# The lab's adapters are all physical and visible, so -IncludeHidden and -Physical are accepted for parity and
# change nothing; so is Get-ChildItem -Force (the lab has no hidden files).
def _adapter_cmdlet(name: str, impl, verb: str) -> Cmdlet:
    return Cmdlet(
        name, name, impl,  # CDXML cmdlets carry their own name as the command class of FullyQualifiedErrorId
        [Param("Name", "string[]", sets=["ByName"], mandatory=True, position=0, aliases=["ifAlias", "InterfaceAlias"]),
         Param("InterfaceDescription", "string[]", sets=["ByInstanceID"], mandatory=True),
         Param("InputObject", "psobject[]", sets=["InputObject (cdxml)"], mandatory=True, pipeline=True,
               type_name=NET_ADAPTER[0]),
         Param("PassThru", "switch"), Param("CimSession", "object[]"), Param("IncludeHidden", "switch")],
        default_set="ByName", supports_should_process=True, module="NetAdapter", output_type=NET_ADAPTER[0],
        synopsis=f"{verb} a physical network adapter of this computer (or of the computer named by -CimSession).",
        syntax=f"{name} [-Name] <String[]> [-IncludeHidden] [-PassThru] [-CimSession <CimSession[]>] [-WhatIf] "
               f"[-Confirm]\n{name} -InterfaceDescription <String[]> [-IncludeHidden] [-PassThru] [-CimSession "
               f"<CimSession[]>] [-WhatIf] [-Confirm]\n{name} -InputObject <CimInstance[]> [-PassThru] "
               "[-CimSession <CimSession[]>] [-WhatIf] [-Confirm]")


def _power_params() -> list[Param]:
    # -Force (close sessions of other users) is accepted for parity: the lab has no signed-in users to refuse.
    return [Param("ComputerName", "string[]", position=0, pipeline_by_name=True,
                  aliases=["CN", "__SERVER", "Server", "IPAddress"]), Param("Force", "switch")]


def register(registry: Registry) -> None:
    """Register the system cmdlets and external programs, and the NetAdapter and file views."""
    for cmdlet in (
        Cmdlet("Stop-Computer", f"{_PS}.StopComputerCommand", stop_computer, _power_params(),
               supports_should_process=True, module="Microsoft.PowerShell.Management",
               synopsis="Shuts down computers; a cluster node set to drain on shutdown moves its roles off first.",
               syntax="Stop-Computer [[-ComputerName] <String[]>] [-Force] [-WhatIf] [-Confirm]"),
        Cmdlet("Restart-Computer", f"{_PS}.RestartComputerCommand", restart_computer, _power_params(),
               supports_should_process=True, module="Microsoft.PowerShell.Management",
               synopsis="Shuts down computers and starts them again.",
               syntax="Restart-Computer [[-ComputerName] <String[]>] [-Force] [-WhatIf] [-Confirm]"),
        Cmdlet("Get-NetAdapter", "Get-NetAdapter", get_net_adapter,
               [Param("Name", "string[]", position=0, aliases=["ifAlias", "InterfaceAlias"]),
                Param("CimSession", "object[]"), Param("IncludeHidden", "switch"), Param("Physical", "switch")],
               module="NetAdapter", output_type=NET_ADAPTER[0],
               synopsis="Lists the network adapters of this computer (or of the computer named by -CimSession) "
                        "with their status and speed.",
               syntax="Get-NetAdapter [[-Name] <String[]>] [-IncludeHidden] [-Physical] [-CimSession "
                      "<CimSession[]>]"),
        _adapter_cmdlet("Disable-NetAdapter", disable_net_adapter, "Disables"),
        _adapter_cmdlet("Enable-NetAdapter", enable_net_adapter, "Enables"),
        Cmdlet("Start-Sleep", f"{_PS}.StartSleepCommand", start_sleep,
               [Param("Seconds", "int", sets=["Seconds"], mandatory=True, position=0, pipeline=True,
                      pipeline_by_name=True),
                Param("Milliseconds", "int", sets=["Milliseconds"], mandatory=True, pipeline_by_name=True,
                      aliases=["ms"])],
               module="Microsoft.PowerShell.Utility", aliases=["sleep"],
               synopsis="Waits the given time; in the lab, simulated time passes and running moves progress.",
               syntax="Start-Sleep [-Seconds] <Int32>\nStart-Sleep -Milliseconds <Int32>"),
        Cmdlet("Test-Path", f"{_PS}.TestPathCommand", test_path,
               [Param("Path", "string[]", sets=["Path"], mandatory=True, position=0, pipeline=True,
                      pipeline_by_name=True),
                Param("LiteralPath", "string[]", sets=["LiteralPath"], mandatory=True, pipeline_by_name=True,
                      aliases=["PSPath"]),
                Param("PathType", "enum", values=("Any", "Container", "Leaf"),
                      type_name="Microsoft.PowerShell.Commands.TestPathType", aliases=["Type"])],
               module="Microsoft.PowerShell.Management", output_type="System.Boolean",
               synopsis="Tells whether a file or folder exists (True or False), as this computer sees it.",
               syntax="Test-Path [-Path] <String[]> [-PathType {Any | Container | Leaf}]\n"
                      "Test-Path -LiteralPath <String[]> [-PathType {Any | Container | Leaf}]"),
        Cmdlet("Get-ChildItem", f"{_PS}.GetChildItemCommand", get_child_item,
               [Param("Path", "string[]", position=0, pipeline=True, pipeline_by_name=True),
                Param("Filter", "string", position=1), Param("Recurse", "switch", aliases=["s"]),
                Param("File", "switch"), Param("Directory", "switch", aliases=["ad", "d"]), Param("Name", "switch"),
                Param("Force", "switch")],
               module="Microsoft.PowerShell.Management", aliases=["dir", "gci", "ls"],
               synopsis="Lists the folders and files in a folder (all below it with -Recurse), as this computer "
                        "sees them.",
               syntax="Get-ChildItem [[-Path] <String[]>] [[-Filter] <String>] [-Recurse] [-File] [-Directory] "
                      "[-Name] [-Force]"),
        Cmdlet("klist", "klist", klist,
               [Param("Command", "string", position=0, values=("tickets", "tgt", "purge", "sessions", "kcd_cache",
                                                               "get", "add_bind", "query_bind", "purge_bind")),
                Param("li", "object"), Param("lh", "object")],
               module="", synopsis="Lists or purges the Kerberos tickets of a logon session (klist.exe).",
               syntax="klist [-lh <LogonId.HighPart>] [-li <LogonId.LowPart>] [tickets | tgt | purge | sessions | "
                      "kcd_cache | get | add_bind | query_bind | purge_bind]"),
        Cmdlet("hostname", "hostname", hostname, module="", synopsis="Prints the name of this computer "
               "(hostname.exe).", syntax="hostname"),
    ):
        registry.register(cmdlet)
    views = registry.views
    views.table(NET_ADAPTER[0], "Name", "InterfaceDescription", "ifIndex", "Status", "MacAddress",
                Column("LinkSpeed", align="right"))
    views.table(FILE[0], "Mode", Column("Length", align="right"), "Name")
    views.table(DIRECTORY[0], "Mode", Column("Length", lambda d: None), "Name")  # folders have no length
