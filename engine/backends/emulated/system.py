"""Operating-system commands over the emulated lab: power, network adapters, time, files, and two console tools.

- Stop-Computer runs the lab's ``shutdown_host`` (a cluster node drains first when DrainOnShutdown = 1, in the
  lab); Restart-Computer shuts the host down and starts it again.
- Get-NetAdapter shows a host's physical adapters; Disable-/Enable-NetAdapter run ``set_net_adapter_state``
  (network health protection reacts in the lab). Like the real CDXML cmdlets they address another computer with
  ``-CimSession`` (a computer name), not ``-ComputerName``.
- Start-Sleep advances the lab's simulated clock, so running migrations progress.
- Test-Path and Get-ChildItem look at the lab's file model from the console's computer.
- ``klist`` and ``hostname`` are external programs: they print what the real ones print (klist changes nothing).
- Get-WmiObject / Get-CimInstance know Win32_Processor (Manufacturer GenuineIntel/AuthenticAMD from the host's CPU
  vendor, Name its model: what ``LabState`` shows as Host.Processor) and Win32_OperatingSystem (Version 6.2.9200
  / 6.3.9600); any other class is Windows' "Invalid class" error.
- Get-NetIPAddress shows each enabled adapter's IPv4 address (the topology's ``ip``, CIDR split into IPAddress
  and PrefixLength), its IPv6 link-local address, and the loopback addresses.
- Get-SmbShare / Get-SmbShareAccess answer, like Windows, for one computer: the console's own (or -CimSession's).
  A lab host shares only its special shares (ADMIN$, IPC$, one X$ per volume); the lab's file shares (FS1's VMs)
  live on their file server, which answers through ``-CimSession FS1`` although it is not a Hyper-V host of the
  lab. Access entries are the share's allowed accounts (Allow, Full), written as the lab writes them (``HV1$``).
"""
from __future__ import annotations

import fnmatch
import hashlib
import ntpath
from typing import Any

from engine.backends.emulated.context import attempt, caller_of, lab_of, names
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
    host = attempt(ctx, lab.get_host, name, caller=caller_of(ctx))  # the lab's rule for which host is meant
    return None if host is None else lab.snapshot().host(host.name)


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


# --- WMI / CIM: Win32_Processor and Win32_OperatingSystem -------------------------------------------------------
WMI_NS = "root\\cimv2"
_OS_VERSION = {"WindowsServer2012": ("6.2.9200", "Microsoft Windows Server 2012 Datacenter"),
               "WindowsServer2012R2": ("6.3.9600", "Microsoft Windows Server 2012 R2 Datacenter")}


def _wmi_types(cls: str, cim: bool) -> tuple[str, ...]:
    if cim:
        return (f"{_CIM}#root/cimv2/{cls}", _CIM)
    return (f"System.Management.ManagementObject#root\\cimv2\\{cls}", "System.Management.ManagementObject")


def _clock_mhz(model: str) -> int:
    """The rated clock a model name states (``… @ 2.40GHz`` → 2400), else 0."""
    at = model.rsplit("@", 1)[-1].strip().lower() if "@" in model else ""
    try:
        return int(round(float(at.removesuffix("ghz")) * 1000)) if at.endswith("ghz") else 0
    except ValueError:
        return 0


def _wmi_objects(ctx, host: str, cls: str, cim: bool, session: str | None) -> list[PSObject] | None:
    """The instances of ``cls`` on ``host``; None when the class is not one the lab models."""
    h = lab_of(ctx).world.host(host)
    computer = session if cim else h.name
    if cls.lower() == "win32_processor":
        intel = h.cpu_vendor == "Intel"
        props = [("Caption", ("Intel64" if intel else "AMD64") + " Family"), ("DeviceID", "CPU0"),
                 ("Manufacturer", "GenuineIntel" if intel else "AuthenticAMD"),
                 ("MaxClockSpeed", _clock_mhz(h.cpu_model)), ("Name", h.cpu_model),
                 ("NumberOfLogicalProcessors", h.logical_processors), ("SocketDesignation", "CPU0"),
                 ("SystemName", h.name)]
        types = _wmi_types("Win32_Processor", cim)
    elif cls.lower() == "win32_operatingsystem":
        version, caption = _OS_VERSION.get(h.os, ("6.3.9600", f"Microsoft Windows {h.os}"))
        props = [("SystemDirectory", "C:\\Windows\\system32"), ("Organization", ""),
                 ("BuildNumber", version.rsplit(".", 1)[1]), ("RegisteredUser", "Windows User"),
                 ("SerialNumber", "00252-70000-00000-AA535"), ("Version", version), ("Caption", caption),
                 ("CSName", h.name)]
        types = _wmi_types("Win32_OperatingSystem", cim)
    else:
        return None
    tail = [("PSComputerName", computer)] if cim else [("__SERVER", h.name), ("PSComputerName", h.name)]
    return [PSObject(props + tail, types)]


def _wmi(ctx, params: dict, cim: bool) -> None:
    cls = params["ClassName" if cim else "Class"]
    for session in _computers(params.get("ComputerName")):
        state = _host_state(ctx, session)
        if state is None:
            continue
        found = _wmi_objects(ctx, state.Name, cls, cim, session)
        if found is None:
            if cim:
                ctx.write_error("Invalid class ", error_id="HRESULT 0x80041010", category="MetadataError",
                                reason="CimException", target=f"{WMI_NS}:{cls}")
            else:
                ctx.write_error(f'Invalid class "{cls}"', error_id="GetWMIManagementException",
                                category="InvalidType", reason="ManagementException")
            continue
        ctx.write_output(found, enumerate=True)


def get_cim_instance(ctx, params: dict) -> None:
    _wmi(ctx, params, True)


def get_wmi_object(ctx, params: dict) -> None:
    _wmi(ctx, params, False)


# --- Get-NetIPAddress -----------------------------------------------------------------------------------------
NET_IP = (f"{_CIM}#ROOT/StandardCimv2/MSFT_NetIPAddress", f"{_CIM}#ROOT/StandardCimv2/CIM_IPProtocolEndpoint",
          _CIM)
_LOOPBACK = "Loopback Pseudo-Interface 1"


def _ip_object(session, alias, index, address, prefix, family, prefix_origin, suffix_origin) -> PSObject:
    return PSObject([("IPAddress", address), ("InterfaceIndex", index), ("InterfaceAlias", alias),
                     ("AddressFamily", family), ("Type", "Unicast"), ("PrefixLength", prefix),
                     ("PrefixOrigin", prefix_origin), ("SuffixOrigin", suffix_origin), ("AddressState", "Preferred"),
                     ("ValidLifetime", "Infinite ([TimeSpan]::MaxValue)"),
                     ("PreferredLifetime", "Infinite ([TimeSpan]::MaxValue)"), ("SkipAsSource", False),
                     ("PolicyStore", "ActiveStore"), ("PSComputerName", session)], NET_IP)


def _ip_objects(state, session: str | None) -> list[PSObject]:
    """A host's addresses as Windows lists them: IPv6 first (link-local per enabled adapter, then ::1), then IPv4.
    A disabled adapter has no address bound."""
    v6, v4 = [], []
    for index, nic in enumerate(state.NetAdapters):
        if nic.Status == "Disabled":
            continue
        mac = adapter_object(state.Name, session, index, nic)["MacAddress"].split("-")
        link = f"fe80::215:5dff:fe{mac[3].lower()}:{mac[4].lower()}{mac[5].lower()}%{12 + index}"
        v6.append(_ip_object(session, nic.Name, 12 + index, link, 64, "IPv6", "WellKnown", "Link"))
        if nic.IPAddress:
            address, _, prefix = nic.IPAddress.partition("/")
            v4.append(_ip_object(session, nic.Name, 12 + index, address, int(prefix or 32), "IPv4", "Manual",
                                 "Manual"))
    v6.append(_ip_object(session, _LOOPBACK, 1, "::1", 128, "IPv6", "WellKnown", "WellKnown"))
    v4.append(_ip_object(session, _LOOPBACK, 1, "127.0.0.1", 8, "IPv4", "WellKnown", "WellKnown"))
    return v6 + v4


def get_net_ip_address(ctx, params: dict) -> None:
    for session in _computers(params.get("CimSession")):
        state = _host_state(ctx, session)
        if state is None:
            continue
        families = {str(f) for f in names(params.get("AddressFamily"))}
        wanted = [a.lower() for a in names(params.get("IPAddress"))]
        found = [a for a in _ip_objects(state, session) if (not families or a["AddressFamily"] in families)
                 and (not wanted or any(fnmatch.fnmatchcase(a["IPAddress"].lower(), w) for w in wanted))]
        for pattern in names(params.get("InterfaceAlias")) or ["*"]:
            matched = [a for a in found if fnmatch.fnmatchcase(a["InterfaceAlias"].lower(), pattern.lower())]
            if matched:
                ctx.write_output(matched, enumerate=True)
            elif not any(c in pattern for c in "*?["):
                ctx.write_error(f"No MSFT_NetIPAddress objects found with property 'InterfaceAlias' equal to "
                                f"'{pattern}'.  Verify the value of the property and retry.",
                                error_id="CmdletizationQuery_NotFound_InterfaceAlias", category="ObjectNotFound",
                                reason="CimJobException", target=pattern)


# --- SMB shares -----------------------------------------------------------------------------------------------
SMB_SHARE = (f"{_CIM}#ROOT/Microsoft/Windows/SMB/MSFT_SmbShare", _CIM)
SMB_ACCESS = (f"{_CIM}#ROOT/Microsoft/Windows/SMB/MSFT_SmbShareAccessControlEntry", _CIM)


def _server_of(path: str) -> str:
    return path.lstrip("\\").split("\\", 1)[0]


def _file_server(ctx, session: str | None) -> str | None:
    """The computer a share cmdlet asks: a lab host (checked like Get-NetAdapter's) or the lab's file server."""
    if session is not None and any(_server_of(s.path).lower() == session.lower()
                                   for s in lab_of(ctx).world.smb_shares):
        return next(_server_of(s.path) for s in lab_of(ctx).world.smb_shares
                    if _server_of(s.path).lower() == session.lower())
    state = _host_state(ctx, session)
    return None if state is None else state.Name


def _share_objects(ctx, server: str, session: str | None) -> list[PSObject]:
    """The server's shares: the special ones of a lab host, then the lab's shares on that server."""
    lab = lab_of(ctx)
    shares: list[tuple[str, str, str, bool, list[str]]] = []
    host = next((h for h in lab.world.hosts if h.name.lower() == server.lower()), None)
    if host is not None:
        shares.append(("ADMIN$", "C:\\Windows", "Remote Admin", True, []))
        shares += [(f"{v.rstrip(':')}$", f"{v}\\", "Default share", True, []) for v in host.volumes]
        shares.append(("IPC$", "", "Remote IPC", True, []))
    for share in sorted(lab.world.smb_shares, key=lambda s: s.path.lower()):
        if _server_of(share.path).lower() == server.lower():
            name = share.path.rstrip("\\").rsplit("\\", 1)[1]
            shares.append((name, f"C:\\Shares\\{name}", "", False, list(share.allowed)))
    return [PSObject([("Name", name), ("ScopeName", "*"), ("Path", path), ("Description", description),
                      ("Special", special), ("ShareType", "FileSystemDirectory"), ("ShareState", "Online"),
                      ("PSComputerName", session)], SMB_SHARE, ref=(server, session, allowed))
            for name, path, description, special, allowed in sorted(shares, key=lambda s: s[0].lower())]


def _shares(ctx, session: str | None) -> list[PSObject] | None:
    server = _file_server(ctx, session)
    return None if server is None else _share_objects(ctx, server, session)


def _share_not_found(ctx, name: str) -> None:
    ctx.write_error(f"No MSFT_SmbShare objects found with property 'Name' equal to '{name}'.  Verify the value of "
                    "the property and retry.", error_id="CmdletizationQuery_NotFound_Name", category="ObjectNotFound",
                    reason="CimJobException", target=name)


def _select_shares(ctx, shares: list[PSObject], patterns: list[str]) -> list[PSObject]:
    out = []
    for pattern in patterns or ["*"]:
        found = [s for s in shares if fnmatch.fnmatchcase(s["Name"].lower(), pattern.lower())]
        if not found and not any(c in pattern for c in "*?["):
            _share_not_found(ctx, pattern)
        out += [s for s in found if s not in out]
    return out


def get_smb_share(ctx, params: dict) -> None:
    special = [bool(v) for v in names(params.get("Special"))] if params.get("Special") is not None else None
    for session in _computers(params.get("CimSession")):
        shares = _shares(ctx, session)
        if shares is None:
            continue
        if special is not None:
            shares = [s for s in shares if s["Special"] in special]
        ctx.write_output(_select_shares(ctx, shares, names(params.get("Name"))), enumerate=True)


def _access_objects(share: PSObject) -> list[PSObject]:
    server, session, allowed = share.ref
    return [PSObject([("Name", share["Name"]), ("ScopeName", "*"), ("AccountName", account),
                      ("AccessControlType", "Allow"), ("AccessRight", "Full"), ("PSComputerName", session)],
                     SMB_ACCESS) for account in allowed]


def get_smb_share_access(ctx, params: dict) -> None:
    shares = list(names(params.get("InputObject")))
    for session in _computers(params.get("CimSession")) if not shares else []:
        found = _shares(ctx, session)
        if found is not None:
            shares += _select_shares(ctx, found, names(params.get("Name")))
    for share in shares:
        ctx.write_output(_access_objects(share), enumerate=True)


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
        Cmdlet("Get-CimInstance", "Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand",
               get_cim_instance,
               [Param("ClassName", "string", mandatory=True, position=0),
                Param("ComputerName", "string[]", pipeline_by_name=True, aliases=["CN", "ServerName"])],
               module="CimCmdlets", aliases=["gcim"],
               synopsis="Gets the instances of a CIM class (the lab has Win32_Processor and Win32_OperatingSystem).",
               syntax="Get-CimInstance [-ClassName] <String> [-ComputerName <String[]>]"),
        Cmdlet("Get-WmiObject", f"{_PS}.GetWmiObjectCommand", get_wmi_object,
               [Param("Class", "string", mandatory=True, position=0, aliases=["ClassName"]),
                Param("ComputerName", "string[]", aliases=["Cn"])],
               module="Microsoft.PowerShell.Management", aliases=["gwmi"],
               synopsis="Gets the instances of a WMI class (the lab has Win32_Processor and Win32_OperatingSystem).",
               syntax="Get-WmiObject [-Class] <String> [-ComputerName <String[]>]"),
        Cmdlet("Get-NetIPAddress", "Get-NetIPAddress", get_net_ip_address,
               [Param("IPAddress", "string[]", position=0),
                Param("InterfaceAlias", "string[]", aliases=["ifAlias"]),
                Param("AddressFamily", "enum[]", values=("IPv4", "IPv6"), type_name="AddressFamily",
                      aliases=["Family"]),
                Param("CimSession", "object[]")],
               module="NetTCPIP", output_type=NET_IP[0],
               synopsis="Lists the IP addresses of this computer (or of the computer named by -CimSession).",
               syntax="Get-NetIPAddress [[-IPAddress] <String[]>] [-InterfaceAlias <String[]>] [-AddressFamily "
                      "<AddressFamily[]>] [-CimSession <CimSession[]>]"),
        Cmdlet("Get-SmbShare", "Get-SmbShare", get_smb_share,
               [Param("Name", "string[]", position=0), Param("Special", "bool[]"), Param("CimSession", "object[]")],
               module="SmbShare", output_type=SMB_SHARE[0],
               synopsis="Lists the SMB shares of this computer (or of the computer named by -CimSession).",
               syntax="Get-SmbShare [[-Name] <String[]>] [-Special <Boolean[]>] [-CimSession <CimSession[]>]"),
        Cmdlet("Get-SmbShareAccess", "Get-SmbShareAccess", get_smb_share_access,
               [Param("Name", "string[]", sets=["Query (cdxml)"], mandatory=True, position=0,
                      pipeline_by_name=True),
                Param("InputObject", "psobject[]", sets=["InputObject (cdxml)"], mandatory=True, pipeline=True,
                      type_name=SMB_SHARE[0]),
                Param("CimSession", "object[]")],
               default_set="Query (cdxml)", module="SmbShare", output_type=SMB_ACCESS[0],
               synopsis="Lists who may use an SMB share of this computer (or of the computer named by -CimSession).",
               syntax="Get-SmbShareAccess [-Name] <String[]> [-CimSession <CimSession[]>]\n"
                      "Get-SmbShareAccess -InputObject <CimInstance[]> [-CimSession <CimSession[]>]"),
    ):
        registry.register(cmdlet)
    views = registry.views
    views.table(NET_ADAPTER[0], "Name", "InterfaceDescription", "ifIndex", "Status", "MacAddress",
                Column("LinkSpeed", align="right"))
    views.table(FILE[0], "Mode", Column("Length", align="right"), "Name")
    views.table(_wmi_types("Win32_Processor", True)[0], "DeviceID", "Name", "Caption",
                Column("MaxClockSpeed", align="right"), "SocketDesignation", "Manufacturer")
    views.list(_wmi_types("Win32_Processor", False)[0], "Caption", "DeviceID", "Manufacturer", "MaxClockSpeed",
               "Name", "SocketDesignation")
    for cim in (True, False):
        views.list(_wmi_types("Win32_OperatingSystem", cim)[0], "SystemDirectory", "Organization", "BuildNumber",
                   "RegisteredUser", "SerialNumber", "Version")
    views.list(NET_IP[0], "IPAddress", "InterfaceIndex", "InterfaceAlias", "AddressFamily", "Type", "PrefixLength",
               "PrefixOrigin", "SuffixOrigin", "AddressState", "ValidLifetime", "PreferredLifetime", "SkipAsSource",
               "PolicyStore")
    views.table(SMB_SHARE[0], "Name", "ScopeName", "Path", "Description")
    views.table(SMB_ACCESS[0], "Name", "ScopeName", "AccountName", "AccessControlType", "AccessRight")
    views.table(DIRECTORY[0], "Mode", Column("Length", lambda d: None), "Name")  # folders have no length
