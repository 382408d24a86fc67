"""The gathering script ``WinRMBackend.snapshot()`` runs once per lab host, and the parser that merges the answers.

One ``run_ps`` per host returns that host's part of the lab as one line of compact JSON: its Get-VMHost settings,
switches, migration networks, physical adapters, VMs (with processor, adapters, disks, checkpoints), and — where
the module is installed — its failover cluster, the lab hosts' AD computer accounts, its own SMB shares and those
of the targets file's ``file_servers`` (read with ``Get-SmbShare -CimSession``; a lab's shares live on a file
server such as FS1 that is not a Hyper-V host; from a WinRM session on a real host that second hop needs CredSSP
or Kerberos delegation, else its shares are missing and the access error is in ``backend.notes``).
:func:`merge` orders everything exactly as ``engine.hyperv.labstate.snapshot`` does, so equal labs give equal
``LabState`` objects whichever backend observed them.

Written for Windows PowerShell 4 and for the emulator's PowerShell subset at once:

- keys are one letter and parameters abbreviated, as the script must stay under ``MAX_SCRIPT_CHARS`` (cmd.exe's
  line limit, reference §5): :data:`BASE_CHARS` = 2,386 plus each quoted host or file server name and a comma
  (2,411 for four hosts and FS1);
- enum values go through ``[string]`` (PowerShell 4's ConvertTo-Json writes enums as numbers);
- every list is built with ``@(…)`` (one object would otherwise be written as an object, not a list), and the
  parser also unwraps PowerShell 3/4's ``{"value": […], "Count": n}`` form of a wrapped array;
- non-ASCII text is written as ``\\uXXXX`` escapes, because real hosts answer in the OEM code page 437. The
  escaping needs .NET ``[char[]]`` casts, which the emulator lacks; it answers in UTF-8, so there the ``try``
  leaves the JSON as it is;
- progress records are switched off: a module's first load writes "Preparing modules for first use." as
  CLIXML progress on stderr, which pywinrm cannot clean into text;
- a missing module (FailoverClusters, ActiveDirectory, SmbShare, NetTCPIP, WMI) is probed with ``Get-Command``;
  its part is then absent from the JSON and :func:`merge` records a note instead of failing (the emulator has
  them all, so over it there is no note).

Not observable on real hosts and therefore never gathered: the emulator's job log, simulated clock and event log
(``LabState.Jobs`` and ``Events`` are empty and ``Clock`` is 0). Host ``OperatingSystem`` comes from
Win32_OperatingSystem.Version, or without WMI from ``$PSVersionTable.BuildVersion`` (the in-box PowerShell's
build, 6.2 = Server 2012, 6.3 = Server 2012 R2).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from engine.hyperv.labstate import (
    ADComputerState, CheckpointState, ClusterGroupState, ClusterNetworkState, ClusterNodeState, ClusterState,
    HardDriveState, HostState, LabState, MigrationNetworkState, NetAdapterState, ProcessorInfo, SharedVolumeInfo,
    SharedVolumeState, SmbShareState, SwitchState, VMInfo, VMNetworkAdapterState, VMProcessorState,
)
from engine.powershell.quoting import ps_quote

#: The part (key in the host's JSON) that each optional module fills; the key is absent when the module is
#: missing, and the note says what is then left out of the snapshot.
OPTIONAL = {
    "K": "the FailoverClusters module is not installed: no cluster information from this host",
    "D": "the ActiveDirectory module (RSAT-AD-PowerShell) is not installed: no AD computer accounts from "
         "this host",
    "S": "the SmbShare module is not available: this host's SMB shares are not gathered",
    "I": "Get-NetIPAddress is not available: adapters' IPAddress is empty",
    "C": "Get-WmiObject (gwmi) is not available: the host's Processor is empty and OperatingSystem comes from "
         "$PSVersionTable.BuildVersion",
}

# {hosts}: the lab hosts' names as quoted literals (the only data in the script, through ps_quote). A cluster
# node sets K to its cluster; a host with the module outside any cluster leaves K = 0.
_TEMPLATE = (
    "$q='SilentlyContinue';$ProgressPreference=$q;$h=Get-VMHost;"
    "$o=@{{H=($h|select Name,Fully*,Virtual*,Max*,Use*,Logical*,MemoryCapacity);"
    "A=[string]$h.VirtualMachineMigrationAuthenticationType;P=[string]$h.VirtualMachineMigrationPerformanceOption;"
    "O=[string]$PSVersionTable.BuildVersion;"
    "W=@(Get-VMSwitch|%{{@{{N=$_.Name;T=[string]$_.SwitchType;D=$_.NetAdapterInterfaceDescription}}}});"
    "G=@(Get-VMMigrationNetwork|select Subnet,Priority);"
    "N=@(Get-NetAdapter -Physical|select Name,Status,LinkSpeed);"
    "V=@(Get-VM|%{{$v=$_;@{{S=[string]$v.State;I=[string]$v.Id;"
    "V=($v|select Name,ComputerName,Status,Memory*,Generation,*Path,*Location,IsClustered);"
    "R=($v|Get-VMProcessor|select Count,Compat*);A=@($v.NetworkAdapters|select Name,SwitchName,Connected,*Monitored*);"
    "D=@($v.HardDrives|%{{@{{P=$_.Path;T=[string]$_.ControllerType;N=$_.ControllerNumber;L=$_.ControllerLocation}}}});"
    "X=@($v|Get-VMSnapshot|select Name,Path)}}}})}};"
    "if(gcm gwmi -ea $q){{$o.C=gwmi Win32_Processor|select -f 1 Manufacturer,Name;"
    "$o.O=(gwmi Win32_OperatingSystem).Version}}"
    "if(gcm Get-NetIPAddress -ea $q){{$o.I=@(Get-NetIPAddress -AddressFamily IPv4|"
    "%{{@{{N=$_.InterfaceAlias;I=[string]$_.IPAddress+'/'+$_.PrefixLength}}}})}}"
    "if(gcm Get-Cluster -ea $q){{$o.K=0;try{{$c=Get-Cluster -ea Stop;"
    "$o.K=@{{N=$c.Name;D=$c.DrainOnShutdown;X=[string](Get-ClusterResourceType 'Virtual Machine'|"
    "Get-ClusterParameter MigrationExcludeNetworks).Value;"
    "O=@(Get-ClusterNode|%{{@{{N=$_.Name;S=[string]$_.State;D=[string]$_.DrainStatus}}}});"
    "G=@(Get-ClusterGroup|?{{[string]$_.GroupType -eq 'VirtualMachine'}}|%{{@{{N=$_.Name;O=[string]$_.OwnerNode;"
    "S=[string]$_.State;P=$_.Priority}}}});V=@(Get-ClusterSharedVolume|%{{@{{N=$_.Name;S=[string]$_.State;"
    "O=[string]$_.OwnerNode;F=@($_.SharedVolumeInfo|%{{$_.FriendlyVolumeName}})}}}});"
    "T=@(Get-ClusterNetwork|%{{@{{N=$_.Name;S=[string]$_.State;R=[string]$_.Role;A=$_.Address;"
    "I=[string]$_.Id}}}})}}}}catch{{}}}}"
    "if(gcm Get-ADComputer -ea $q){{$o.D=@(Get-ADComputer -Filter * -Pr msDS-AllowedToDelegateTo|"
    "?{{@({hosts}) -contains $_.Name}}|%{{@{{N=$_.Name;H=$_.DNSHostName;A=@($_.'msDS-AllowedToDelegateTo')}}}})}}"
    "if(gcm Get-SmbShare -ea $q){{$o.S=@(@(Get-SmbShare -Sp $false)+@({servers}|%{{Get-SmbShare -Sp $false -Ci $_}})|"
    "%{{@{{C=$_.PSComputerName;N=$_.Name;A=@($_|Get-SmbShareAccess|?{{[string]$_.AccessControlType -eq 'Allow'}}|"
    "%{{$_.AccountName}})}}}})}}"
    "$j=$o|ConvertTo-Json -Dep 9 -Co;"
    "if($j -match '[^ -~]'){{try{{$j=-join([char[]]$j|%{{if($_ -gt '~'){{'\\u{{0:x4}}'-f[int]$_}}else{{$_}}}})}}"
    "catch{{}}}}$j"
)


def gather_script(hosts: Iterable[str], servers: Iterable[str] = ()) -> str:
    """The script for one host; ``hosts`` are the lab's host names, whose AD accounts it looks up; ``servers``
    the file servers whose shares it reads through ``Get-SmbShare -CimSession``."""
    return _TEMPLATE.format(hosts=",".join(ps_quote(h) for h in hosts),
                            servers=",".join(ps_quote(s) for s in servers) or "@()")


#: The script's length without host names (each name adds its quoted length plus a comma).
BASE_CHARS = len(gather_script([]))


class GatherError(ValueError):
    """A host's answer is not the gathering script's JSON."""


@dataclass
class Part:
    """One host's answer, parsed."""

    host: str
    data: dict
    missing: list[str] = field(default_factory=list)  # keys of OPTIONAL


def parse_part(host: str, stdout: str) -> Part:
    """The JSON line the script printed on ``host`` (``GatherError`` when there is none)."""
    text = stdout.strip()
    line = text.splitlines()[-1] if text else ""
    try:
        data = _unwrap(json.loads(line))
    except json.JSONDecodeError as exc:
        raise GatherError(f"{host}: the gathering script printed no JSON ({exc.msg}): {text[:200]!r}") from None
    if not isinstance(data, dict) or not isinstance(data.get("H"), dict) or not data["H"].get("Name"):
        # Get-VMHost failed (Hyper-V missing or not running): the script went on, but without its subject
        raise GatherError(f"{host}: the gathering script's JSON has no host part: {text[:200]!r}")
    return Part(host, data, [key for key in OPTIONAL if key not in data])


def _unwrap(value: Any) -> Any:
    """Undo PowerShell 3/4's serialisation of a PSObject-wrapped array as ``{"value": [...], "Count": n}``."""
    if isinstance(value, dict):
        if set(value) == {"value", "Count"} and isinstance(value["value"], list):
            return [_unwrap(v) for v in value["value"]]
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _list(value: Any) -> list:
    """A JSON value that should be a list: None is empty, a lone object is a list of one."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


_OS_BY_VERSION = {"6.2": "WindowsServer2012", "6.3": "WindowsServer2012R2"}


def _os(version: str) -> str:
    major_minor = ".".join(version.split(".")[:2])
    return _OS_BY_VERSION.get(major_minor, f"Windows {version}" if version else "")


def _host(part: Part) -> HostState:
    d, h = part.data, part.data["H"]
    fqdn = _text(h.get("FullyQualifiedDomainName"))
    name = h["Name"]
    domain = fqdn.split(".", 1)[1] if fqdn.lower().startswith(name.lower() + ".") else None
    ips: dict[str, str] = {}
    for entry in _list(d.get("I")):
        ips.setdefault(entry["N"].lower(), entry["I"])
    cpu = d.get("C") or {}
    return HostState(
        Name=name, Domain=domain, OperatingSystem=_os(_text(d.get("O"))), Online=True,
        VirtualMachineMigrationEnabled=h["VirtualMachineMigrationEnabled"],
        VirtualMachineMigrationAuthenticationType=d["A"],
        MaximumVirtualMachineMigrations=h["MaximumVirtualMachineMigrations"],
        MaximumStorageMigrations=h["MaximumStorageMigrations"],
        UseAnyNetworkForMigration=h["UseAnyNetworkForMigration"],
        VirtualMachineMigrationPerformanceOption=d["P"],
        VirtualMachinePath=h["VirtualMachinePath"], VirtualHardDiskPath=h["VirtualHardDiskPath"],
        LogicalProcessorCount=h["LogicalProcessorCount"], MemoryCapacity=h["MemoryCapacity"],
        MigrationNetworks=sorted((MigrationNetworkState(Subnet=n["Subnet"], Priority=n["Priority"])
                                  for n in _list(d.get("G"))), key=lambda n: (n.Priority, n.Subnet)),
        Switches=sorted((SwitchState(Name=w["N"], SwitchType=w["T"], NetAdapterInterfaceDescription=w["D"] or None)
                         for w in _list(d.get("W"))), key=lambda w: w.Name),
        NetAdapters=sorted((NetAdapterState(Name=n["Name"], Status=n["Status"], LinkSpeed=n["LinkSpeed"],
                                            IPAddress=ips.get(n["Name"].lower(), "")) for n in _list(d.get("N"))),
                           key=lambda n: n.Name),
        Processor=ProcessorInfo(Manufacturer=_text(cpu.get("Manufacturer")).strip(),
                                Name=_text(cpu.get("Name")).strip()),
    )


def _not_monitored(adapter: dict) -> bool:
    # The emulator names the setting NotMonitoredInCluster; Windows Server 2012 R2 shows ClusterMonitored.
    if adapter.get("NotMonitoredInCluster") is not None:
        return bool(adapter["NotMonitoredInCluster"])
    return adapter.get("ClusterMonitored") is False


def _vm(v: dict) -> VMInfo:
    p, r = v["V"], v["R"]
    return VMInfo(
        Name=p["Name"], ComputerName=p["ComputerName"], State=v["S"], Status=_text(p["Status"]),
        MemoryStartup=p["MemoryStartup"], MemoryAssigned=p["MemoryAssigned"], MemoryDemand=p["MemoryDemand"],
        Generation=p["Generation"], Path=p["Path"], ConfigurationLocation=p["ConfigurationLocation"],
        SnapshotFileLocation=p["SnapshotFileLocation"], SmartPagingFilePath=p["SmartPagingFilePath"], Id=v["I"],
        IsClustered=bool(p["IsClustered"]),
        Processor=VMProcessorState(CompatibilityForMigrationEnabled=r["CompatibilityForMigrationEnabled"],
                                   CompatibilityForOlderOperatingSystemsEnabled=r[
                                       "CompatibilityForOlderOperatingSystemsEnabled"], Count=r["Count"]),
        NetworkAdapters=[VMNetworkAdapterState(Name=a["Name"], SwitchName=a["SwitchName"] or None,
                                               NotMonitoredInCluster=_not_monitored(a), Connected=bool(a["Connected"]))
                         for a in _list(v.get("A"))],
        HardDrives=[HardDriveState(Path=d["P"], ControllerType=d["T"], ControllerNumber=d["N"],
                                   ControllerLocation=d["L"]) for d in _list(v.get("D"))],
        Checkpoints=[CheckpointState(Name=c["Name"], Path=c["Path"]) for c in _list(v.get("X"))],
    )


def _cluster(k: dict) -> ClusterState:
    excluded = {i.strip().lower() for i in _text(k.get("X")).split(";") if i.strip()}
    return ClusterState(
        Name=k["N"], DrainOnShutdown=k["D"],
        Nodes=[ClusterNodeState(Name=n["N"], State=n["S"], DrainStatus=n["D"]) for n in _list(k.get("O"))],
        Groups=sorted((ClusterGroupState(Name=g["N"], OwnerNode=g["O"], State=g["S"], Priority=g["P"],
                                         GroupType="VirtualMachine") for g in _list(k.get("G"))),
                      key=lambda g: g.Name),
        SharedVolumes=[SharedVolumeState(Name=s["N"], State=s["S"], OwnerNode=s["O"],
                                         SharedVolumeInfo=[SharedVolumeInfo(FriendlyVolumeName=f)
                                                           for f in _list(s.get("F"))])
                       for s in _list(k.get("V"))],
        Networks=[ClusterNetworkState(Name=n["N"], State=n["S"], Role=n["R"], Address=n["A"],
                                      LiveMigration=n["I"].lower() not in excluded) for n in _list(k.get("T"))],
    )


def merge(parts: list[Part]) -> tuple[LabState, list[str]]:
    """One LabState from every host's part (in targets-file order), and the notes on what could not be gathered.

    Clusters come from the first node that reports each; AD accounts from the first host with the module; SMB
    shares from every host that has it (named ``\\\\HOST\\share``).
    """
    notes = [f"{p.host}: {OPTIONAL[key]}" for p in parts for key in p.missing]
    clusters: dict[str, ClusterState] = {}
    for p in parts:
        if p.data.get("K"):
            cluster = _cluster(p.data["K"])
            clusters.setdefault(cluster.Name.lower(), cluster)
    ad_part = next((p for p in parts if "D" not in p.missing), None)
    if ad_part is None and parts:
        notes.append("no host has the ActiveDirectory module: ADComputers is empty")
    accounts = [] if ad_part is None else [
        ADComputerState(Name=a["N"], DNSHostName=_text(a["H"]), AllowedToDelegateTo=[str(s) for s in _list(a["A"])])
        for a in _list(ad_part.data.get("D"))]
    shares: dict[str, SmbShareState] = {}  # a file server's shares come from every host that reads them
    for p in parts:
        for s in _list(p.data.get("S")):
            path = f"\\\\{s.get('C') or p.data['H']['Name']}\\{s['N']}"
            shares.setdefault(path.lower(), SmbShareState(Path=path, AccountName=[str(a) for a in _list(s["A"])]))
    state = LabState(
        Hosts=sorted((_host(p) for p in parts), key=lambda h: h.Name),
        VMs=sorted((_vm(v) for p in parts for v in _list(p.data.get("V"))), key=lambda v: (v.Name, v.Id)),
        Clusters=sorted(clusters.values(), key=lambda c: c.Name),
        ADComputers=sorted(accounts, key=lambda a: a.Name),
        SmbShares=sorted(shares.values(), key=lambda s: s.Path),
        Jobs=[],  # the emulator's job log: real hosts keep no such history
        Clock=0.0,  # the emulator's simulated clock: meaningless on real hosts
        Events=[],  # the emulator's log of failed operations: real hosts would need event-log gathering
    )
    return state, notes


__all__ = ["OPTIONAL", "BASE_CHARS", "gather_script", "GatherError", "Part", "parse_part", "merge"]
