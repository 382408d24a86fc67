"""The error catalogue of the emulated lab: every way an operation can fail, as data.

Each entry has a stable id, a message template (the literal Windows text where
``shared/reference/hyperv-behaviour.md`` quotes one, ``fidelity="exact"``; otherwise our own wording,
``fidelity="approximate"``), the PowerShell ErrorCategory, the .NET exception type and the first part of the
FullyQualifiedErrorId, HRESULT and event id where Windows documents them, and a short "why" for learners.

``error(id, target=..., **fields)`` builds the :class:`engine.errors.LabError` to raise;
``entries()`` lists the catalogue for docs and the CLI. The catalogue is immutable module data.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from types import MappingProxyType

from engine.errors import LabError

_AUTH_ADVICE = (
    "The Virtual Machine Management Service failed to authenticate the connection for a Virtual Machine "
    "migration at the source host: no suitable credentials available. Make sure the operation is initiated on the "
    "source host of the migration, or the source host is configured to use Kerberos for the authentication of "
    "migration connections and Constrained Delegation is enabled for the host in Active Directory."
)


@dataclass(frozen=True)
class ErrorSpec:
    """One catalogued failure; ``template`` is formatted with the fields passed to :func:`error`."""

    id: str
    template: str
    fidelity: str
    why: str
    # Hyper-V cmdlets print most failed operations as "NotSpecified: (:) [Move-VM],
    # VirtualizationOperationFailedException" with FullyQualifiedErrorId "OperationFailed,<cmdlet class>".
    # An empty error_code means Windows prints the cmdlet class alone (Import-VM's configuration errors).
    category: str = "NotSpecified"
    exception_type: str = "VirtualizationOperationFailedException"
    error_code: str = "OperationFailed"
    hresult: str | None = None
    event_id: int | None = None
    message_id: int | None = None


def _spec(id: str, template: str, fidelity: str, why: str, **kw) -> ErrorSpec:
    return ErrorSpec(id=id, template=template, fidelity=fidelity, why=why, **kw)


_NOT_FOUND = MappingProxyType(dict(category="ObjectNotFound", exception_type="VirtualizationException",
                                   error_code="ObjectNotFound"))
_CLUSTER = MappingProxyType(dict(exception_type="ClusterCmdletException", error_code="Move-ClusterVirtualMachineRole"))

_SPECS = [
    # --- objects that do not exist ---------------------------------------------------------------------------
    _spec("vm.not_found", 'Hyper-V was unable to find a virtual machine with name "{name}".', "exact",
          "Hyper-V cmdlets look on the computer they run on (or -ComputerName); the VM may live on another host.",
          category="InvalidArgument", exception_type="VirtualizationInvalidArgumentException",
          error_code="InvalidParameter"),
    _spec("vm.id_not_found", 'Hyper-V was unable to find a virtual machine with id "{vm_id}".', "approximate",
          "Get-VM -Id looks on the computer it runs on (or -ComputerName), like Get-VM -Name.",
          category="InvalidArgument", exception_type="VirtualizationInvalidArgumentException",
          error_code="InvalidParameter"),
    _spec("checkpoint.not_found", 'Hyper-V was unable to find a checkpoint with name "{name}" of virtual machine '
          '"{vm}".', "approximate", "Get-VMSnapshot lists the checkpoints of a VM.", **_NOT_FOUND),
    _spec("switch.not_found", 'Hyper-V was unable to find a virtual switch with name "{name}".', "approximate",
          "Virtual switch names are per host; check Get-VMSwitch on that host.", **_NOT_FOUND),
    _spec("adapter.not_found", 'Hyper-V was unable to find a network adapter with name "{name}" on virtual '
          'machine "{vm}".', "approximate", "Get-VMNetworkAdapter lists the adapter names of a VM.", **_NOT_FOUND),
    _spec("host.not_found", 'The computer "{name}" is not a Hyper-V host of this lab.', "approximate",
          "Use one of the lab's host names with -ComputerName.", **_NOT_FOUND),
    _spec("host.offline", 'The operation on computer "{name}" failed: the computer is shut down.', "approximate",
          "A host that is shut down answers no management requests; start it first.",
          category="ResourceUnavailable", hresult="0x800706BA"),
    _spec("netadapter.not_found", "No MSFT_NetAdapter objects found with property 'Name' equal to '{name}'.  "
          "Verify the value of the property and retry.", "approximate",
          "Get-NetAdapter lists the physical network adapters of a host.",
          category="ObjectNotFound", exception_type="CimJobException", error_code="CmdletizationQuery_NotFound_Name"),
    _spec("migration_network.not_found", 'Host "{host}" has no migration network with subnet "{subnet}".',
          "approximate", "Get-VMMigrationNetwork lists the subnets a host accepts live migrations on.", **_NOT_FOUND),
    _spec("cluster.not_found", 'The cluster "{name}" was not found.', "approximate",
          "Name a cluster of this lab with -Cluster.", category="ObjectNotFound",
          exception_type="ClusterCmdletException", error_code="ClusterNotFound"),
    _spec("cluster.node_not_found", 'The cluster node "{name}" was not found in cluster "{cluster}".', "approximate",
          "Get-ClusterNode lists the nodes of a cluster.", category="ObjectNotFound",
          exception_type="ClusterCmdletException", error_code="ClusterNodeNotFound"),
    _spec("cluster.network_not_found", 'The cluster network "{name}" was not found in cluster "{cluster}".',
          "approximate", "Get-ClusterNetwork lists the networks a cluster found on its nodes.",
          category="ObjectNotFound", exception_type="ClusterCmdletException", error_code="ClusterNetworkNotFound"),
    _spec("cluster.invalid_value", 'The value {value} is not valid for {setting} on cluster "{cluster}": {reason}.',
          "approximate", "DrainOnShutdown is 1 (drain before shutting down) or 0 (do not).",
          category="InvalidArgument", exception_type="ClusterCmdletException", error_code="InvalidParameter"),
    _spec("cluster.object_not_found", 'The cluster {kind} "{name}" was not found in cluster "{cluster}".',
          "approximate", "Get-ClusterSharedVolume, Get-ClusterResource, Get-ClusterResourceType and the cluster "
          "parameters list what the cluster has; a name that is not there is an error, not an empty answer.",
          category="ObjectNotFound", exception_type="ClusterCmdletException", error_code="ClusterCmdletException"),
    _spec("cluster.group_not_found", 'The cluster group "{name}" was not found.', "approximate",
          "Only highly available VMs are cluster groups; Add-ClusterVirtualMachineRole makes a VM one.",
          category="ObjectNotFound", exception_type="ClusterCmdletException", error_code="ClusterGroupNotFound"),
    _spec("ad.computer_not_found", "Cannot find an object with identity: '{name}' under: '{base}'.", "approximate",
          "Only domain-joined computers have a computer account in Active Directory.", category="ObjectNotFound",
          exception_type="ADIdentityNotFoundException",
          error_code="ActiveDirectoryCmdlet:Microsoft.ActiveDirectory.Management.ADIdentityNotFoundException"),
    _spec("storage.path_not_found", "The system cannot find the path specified. ('{path}' on host \"{host}\")",
          "approximate", "Paths are checked on the host doing the work: its volumes, its CSVs, SMB shares it may "
          "reach.", category="ObjectNotFound", error_code="ObjectNotFound", hresult="0x80070003"),
    _spec("storage.access_denied", 'Host "{host}" cannot access \'{path}\': General access denied error '
          "(0x80070005).", "approximate",
          "Hyper-V reaches SMB shares as the host's computer account (HV1$), which the share and folder must allow.",
          category="PermissionDenied", error_code="AccessDenied", hresult="0x80070005"),
    # --- host settings ---------------------------------------------------------------------------------------
    _spec("host.option_unsupported", 'The migration performance option "{option}" is not available on host '
          '"{host}": Windows Server 2012 offers TCP/IP only.', "approximate",
          "Compression and SMB transport for live migration arrived with Windows Server 2012 R2.",
          category="InvalidArgument", exception_type="VirtualizationInvalidArgumentException",
          error_code="InvalidParameter"),
    _spec("host.invalid_value", 'The value {value} is not valid for {setting} on host "{host}": {reason}.',
          "approximate", "Hyper-V validates host settings before applying them.", category="InvalidArgument",
          exception_type="VirtualizationInvalidArgumentException", error_code="InvalidParameter"),
    _spec("migration_network.invalid_subnet", '"{subnet}" is not a valid subnet; give an address with a prefix '
          "length, like 10.0.1.0/24.", "approximate", "Migration networks are subnets in CIDR notation.",
          category="InvalidArgument", exception_type="VirtualizationInvalidArgumentException",
          error_code="InvalidParameter"),
    _spec("migration_network.exists", 'Host "{host}" already has a migration network with subnet "{subnet}".',
          "approximate", "Each subnet appears once; change its priority with Set-VMMigrationNetwork.",
          category="ResourceExists", error_code="ObjectExists"),
    _spec("switch.exists", 'Host "{host}" already has a virtual switch named "{name}".', "approximate",
          "This lab keeps virtual switch names unique per host, because moves match switches by name.",
          category="ResourceExists", error_code="ObjectExists"),
    _spec("switch.external_needs_adapter", 'Cannot create external virtual switch "{name}": name the physical '
          "network adapter it binds to (-NetAdapterName).", "approximate",
          "An External switch is bound to a physical adapter; Internal and Private switches are not.",
          category="InvalidArgument", exception_type="VirtualizationInvalidArgumentException",
          error_code="InvalidParameter"),
    _spec("switch.adapter_not_external", "A {type} virtual switch has no physical network adapter; -NetAdapterName "
          "creates an External switch.", "approximate",
          "Only External switches bind to a physical adapter.", category="InvalidArgument",
          exception_type="VirtualizationInvalidArgumentException", error_code="InvalidParameter"),
    _spec("switch.adapter_in_use", "Failed while adding virtual Ethernet switch connections. The network adapter "
          '"{nic}" of host "{host}" is already bound to the virtual switch "{switch}".', "approximate",
          "A physical adapter carries at most one External switch.", hresult="0x800700B7"),
    # --- VM lifecycle ----------------------------------------------------------------------------------------
    _spec("vm.invalid_state", "'{vm}' failed to change state. The operation cannot be performed while the object "
          "is in its current state. (Cannot {action} a virtual machine that is {state}.)", "approximate",
          "Each power operation is legal only from some states (for example, only a running VM can be saved).",
          category="InvalidOperation", error_code="InvalidState", hresult="0x800710D2"),
    _spec("vm.out_of_memory", '"{vm}" could not initialize memory: Ran out of memory (0x8007000E)', "exact",
          "A VM starts only when its host has enough free memory for its startup memory.", hresult="0x8007000E"),
    _spec("vm.processor_running", 'Cannot change the processor settings of virtual machine "{vm}" while it is '
          "{state}. Turn off the virtual machine first.", "approximate",
          "Processor compatibility (and other processor settings) can be changed only while the VM is off.",
          category="InvalidOperation", error_code="InvalidState"),
    _spec("vm.remove_running", "'{vm}' failed to delete. The operation cannot be performed while the object is in "
          "its current state. (Cannot remove a virtual machine that is {state}.)", "approximate",
          "Remove-VM removes a VM that is off or saved; stop it first (Stop-VM -TurnOff).",
          category="InvalidOperation", error_code="InvalidState", hresult="0x800710D2"),
    _spec("vm.remove_clustered", 'Virtual machine "{vm}" is a clustered role of cluster "{cluster}"; remove the role '
          "from the cluster (Remove-ClusterGroup) before removing the virtual machine.", "approximate",
          "The cluster owns a highly available VM; removing it behind the cluster's back would leave a broken role."),
    _spec("checkpoint.name_exists", 'Virtual machine "{vm}" already has a checkpoint named "{name}".', "approximate",
          "Windows allows checkpoints of the same name; this lab names checkpoint files after them, so it keeps "
          "names unique per VM.", category="ResourceExists", error_code="ObjectExists"),
    _spec("vm.busy", 'Virtual machine "{vm}" is already being moved by another operation.', "approximate",
          "A VM takes part in one migration or storage move at a time.", category="InvalidOperation",
          error_code="InvalidState"),
    # --- live and shared-nothing migration -------------------------------------------------------------------
    _spec("migration.same_host", 'Virtual machine "{vm}" is already on host "{host}".', "approximate",
          "The destination of a move must be a different host.", category="InvalidArgument"),
    _spec("migration.clustered_vm", 'Virtual machine "{vm}" is a clustered role of cluster "{cluster}"; move it '
          "with Failover Clustering (Move-ClusterVirtualMachineRole).", "approximate",
          "The cluster service owns highly available VMs and moves them between its nodes."),
    _spec("migration.disabled_source", 'Virtual machine migration is not enabled on host "{host}". Enable '
          "incoming and outgoing live migrations (Enable-VMMigration) on both hosts.", "approximate",
          "Both the source and the destination must allow live migrations (Hyper-V Settings > Live Migrations)."),
    _spec("migration.disabled_destination", "The Virtual Machine Management Service failed to establish a "
          'connection for a Virtual Machine migration with host "{dest}": No connection could be made because the '
          "target machine actively refused it. (0x8007274D).", "approximate",
          "A destination that does not allow incoming live migrations refuses the connection.",
          hresult="0x8007274D"),
    _spec("migration.no_network", "The Virtual Machine Management Service failed to establish a connection for a "
          'Virtual Machine migration with host "{dest}": none of its migration networks ({networks}) is reachable '
          'from "{source}".', "approximate",
          "Unless UseAnyNetworkForMigration is True, a host accepts live migrations only on its migration networks, "
          "and one of them must be up on both hosts.", hresult="0x8007274D"),
    _spec("migration.domain", 'Hosts "{source}" and "{dest}" are not in the same domain or in domains that trust '
          "each other; live migration outside a cluster needs both in one domain or trusted domains.", "approximate",
          "Shared-nothing live migration authenticates with domain accounts (CredSSP or Kerberos)."),
    _spec("migration.credssp_remote", "Virtual machine migration operation failed at migration Source.\n"
          "Failed to establish a connection with host {dest}: No credentials are available in the security package "
          "(0x8009030E).\n" + _AUTH_ADVICE, "exact",
          "With CredSSP the move must be started by someone signed in on the source host; from a remote session "
          "use Kerberos with constrained delegation.", hresult="0x8009030E"),
    _spec("migration.kerberos_delegation", 'Failed to establish a connection with host "{dest}": The credentials '
          "supplied to the package were not recognized (0x8009030D).\n" + _AUTH_ADVICE, "exact",
          "With Kerberos the source's computer account needs constrained delegation to the destination for 'cifs' "
          "and 'Microsoft Virtual System Migration Service'.", hresult="0x8009030D"),
    _spec("migration.cpu_vendor", 'Virtual machine "{vm}" cannot move from host "{source}" ({source_vendor}) to '
          'host "{dest}" ({dest_vendor}): live and quick migration need processors of the same manufacturer, and '
          "processor compatibility mode does not bridge Intel and AMD. Export and import the VM instead.",
          "approximate", "Only export/import moves a VM between Intel and AMD hosts.", event_id=21502),
    _spec("migration.processor_features", 'Virtual machine "{vm}" is using processor-specific features not '
          'supported on host "{dest}".', "exact",
          "Turn on processor compatibility (with the VM off) to hide newer features of the same vendor.",
          event_id=21502),
    _spec("migration.hardware_incompatible", "The virtual machine cannot be moved to the destination computer. "
          "The hardware on the destination computer is not compatible with the hardware requirements of this "
          "virtual machine.", "exact",
          "A VM with checkpoints taken on newer processor features cannot move without compatibility mode.",
          event_id=21502),
    _spec("migration.incompatible", 'Virtual machine "{vm}" is not compatible with host "{dest}": {messages}',
          "approximate", "Every connected network adapter needs a virtual switch of exactly the same name on the "
          "destination; fix the compatibility report (connect or disconnect the adapter) and move with it.",
          event_id=21502),
    _spec("migration.insufficient_memory", "Failed to create partition: Insufficient system resources exist to "
          "complete the requested service. (0x800705AA)", "exact",
          "The destination must have free memory for the VM's assigned memory.", hresult="0x800705AA"),
    _spec("migration.limit_reached", 'Failed to perform migration on virtual machine "{vm}" because virtual machine '
          'migration limit "{limit}" was reached, please wait for completion of an ongoing migration operation.',
          "exact", "A standalone host refuses live migrations beyond MaximumVirtualMachineMigrations; a cluster "
          "queues them.", event_id=21501),
    _spec("migration.storage_unreachable", 'Virtual machine "{vm}" cannot move without its storage: host "{dest}" '
          "cannot reach '{path}'. Move the storage too (-IncludeStorage) or keep it on an SMB share or a CSV the "
          "destination can reach.", "approximate",
          "A VM-only move leaves files in place, so they must be on shared storage both hosts reach."),
    # --- storage migration -----------------------------------------------------------------------------------
    _spec("storage.passthrough", 'Virtual machine "{vm}" uses a physical (pass-through) disk, which cannot be '
          "moved; only virtual hard disks can be migrated.", "approximate",
          "Storage and live migration move VHD/VHDX files, never physical disks attached to a VM."),
    _spec("storage.limit_reached", 'Failed to perform storage migration on virtual machine "{vm}" because storage '
          'migration limit "{limit}" was reached, please wait for completion of an ongoing migration operation.',
          "approximate", "MaximumStorageMigrations limits simultaneous storage moves per host."),
    _spec("storage.vhd_not_attached", 'Virtual machine "{vm}" has no virtual hard disk "{path}".', "approximate",
          "-Vhds names the VM's own disks by SourceFilePath.", category="InvalidArgument"),
    # --- export / import -------------------------------------------------------------------------------------
    _spec("export.running", 'Cannot export virtual machine "{vm}" while it is {state} on host "{host}": Windows '
          "Server 2012 exports only virtual machines that are off or saved.", "approximate",
          "Exporting a running VM is new in Windows Server 2012 R2."),
    _spec("export.exists", "Failed to export virtual machine \"{vm}\": the folder '{path}' already exists.",
          "approximate", "Export-VM writes a new folder named after the VM under -Path."),
    _spec("import.configuration_errors", "Unable to import virtual machine due to configuration errors.  Please "
          "use Compare-VM to repair the virtual machine.", "exact",
          "Import-VM refuses a VM whose switches (or other resources) are missing; Compare-VM returns a report to "
          "fix.", category="NotSpecified", error_code=""),
    _spec("import.id_exists", "Failed to import virtual machine: a virtual machine with identifier {vm_id} already "
          'exists on host "{host}". Import a copy with a new identifier (-Copy -GenerateNewId).', "approximate",
          "Register and plain copy keep the VM's identifier, which must be unique on the host."),
    _spec("import.new_id_needs_copy", "-GenerateNewId can be used only with -Copy.", "approximate",
          "Registering in place keeps the identifier; only a copy can take a new one.", category="InvalidArgument",
          exception_type="ParameterBindingException", error_code="AmbiguousParameterSet"),
    _spec("import.not_a_configuration", "'{path}' on host \"{host}\" is not a virtual machine configuration file.",
          "approximate", "Import-VM -Path names the .xml configuration file under 'Virtual Machines'.",
          category="InvalidArgument"),
    # --- clusters --------------------------------------------------------------------------------------------
    _spec("cluster.not_clustered", 'Virtual machine "{vm}" is not a clustered role.', "approximate",
          "Move-ClusterVirtualMachineRole moves highly available VMs only.", category="ObjectNotFound", **_CLUSTER),
    _spec("cluster.already_clustered", 'Virtual machine "{vm}" is already a clustered role of cluster '
          '"{cluster}".', "approximate", "A VM becomes highly available once; its cluster group already exists.",
          category="ResourceExists", exception_type="ClusterCmdletException",
          error_code="Add-ClusterVirtualMachineRole"),
    _spec("cluster.node_not_up", 'The cluster node "{node}" is {state}; a role can move only to a node that is '
          "Up.", "approximate", "Paused and down nodes cannot own roles.", **_CLUSTER),
    _spec("cluster.live_config_failed", "Configuration setup for live migration failed on the destination node.",
          "exact", "The destination node lacks a resource the VM uses, usually a virtual switch of the same name.",
          event_id=21125, **_CLUSTER),
    _spec("cluster.no_live_network", 'Cluster "{cluster}" has no network enabled for live migration that is up on '
          'both "{source}" and "{dest}".', "approximate",
          "Live Migration Settings in Failover Cluster Manager choose the cluster networks for live migration.",
          **_CLUSTER),
    _spec("cluster.invalid_node_transition", 'Cannot {action} cluster node "{node}" while it is {state}.',
          "approximate", "Node states follow Up → Paused → Up; Down nodes must start before anything else.",
          exception_type="ClusterCmdletException", error_code="InvalidNodeState"),
    _spec("cluster.migration_cancelled", 'The queued live migration of virtual machine "{vm}" was cancelled: '
          "the network it was leaving is up again.", "approximate",
          "Network health protection cancels queued moves when the lost network recovers.", **_CLUSTER),
    _spec("fault.unknown", "Unknown fault kind '{kind}'.", "approximate",
          "Labs inject only the fault kinds engine.content.models.Fault lists.", category="InvalidArgument",
          error_code="UnknownFault"),
    _spec("job.invalid_transition", "Job {job} cannot go from {state} to {new_state}.", "approximate",
          "Jobs run Queued → Running → Completed or Failed.", error_code="InvalidJobState"),
]

CATALOGUE: MappingProxyType = MappingProxyType({s.id: s for s in _SPECS})

#: Incompatibility messages found by Compare-VM (not errors by themselves; a report lists them).
INCOMPATIBILITIES = MappingProxyType({
    "switch_not_found": _spec("compat.switch_not_found", "Could not find Ethernet switch '{switch}'.", "exact",
                              "The destination has no virtual switch of this name.", message_id=33012),
})


def error(id: str, *, target: str = "", details: dict | None = None, **fields) -> LabError:
    """The :class:`LabError` for catalogue entry ``id``, its template filled with ``fields``."""
    spec = CATALOGUE[id]
    return LabError(
        spec.id, spec.template.format(**fields), category=spec.category, exception_type=spec.exception_type,
        error_code=spec.error_code, target=target, hresult=spec.hresult, event_id=spec.event_id,
        fidelity=spec.fidelity, why=spec.why, details=details,
    )


def restored(id: str, message: str, *, target: str = "") -> LabError:
    """The :class:`LabError` of entry ``id`` with an already formatted ``message`` (a failure saved in a job)."""
    spec = CATALOGUE[id]
    return LabError(
        spec.id, message, category=spec.category, exception_type=spec.exception_type, error_code=spec.error_code,
        target=target, hresult=spec.hresult, event_id=spec.event_id, fidelity=spec.fidelity, why=spec.why,
    )


def entries() -> list[dict]:
    """Every catalogued error and incompatibility as plain dicts (id, template, fidelity, ids, why), by id."""
    specs = list(CATALOGUE.values()) + list(INCOMPATIBILITIES.values())
    return [asdict(s) for s in sorted(specs, key=lambda s: s.id)]
