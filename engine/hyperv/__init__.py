"""The emulated Hyper-V lab: state + rules + error catalogue + simulated clock (no UI, no wire, no PowerShell).

Public API::

    from engine.hyperv import Lab, Caller, LabState, LabError

    lab = Lab.from_topology(topology)             # engine.content.topology.Topology
    lab = Lab.from_json(text); text = lab.to_json()   # exact round trip of the whole state
    state: LabState = lab.snapshot()              # observable state, PowerShell property names

Every mutating operation takes ``caller=Caller(computer="HV1", interactive=True)`` (default: the topology's
``learner.logon``; ``Caller()`` is a remote computer; ``Caller("HV1")`` a remote session on HV1), and host-level
ones ``computer_name`` (``-ComputerName``). Parameters mirror the cmdlets' (snake_case). Failures raise
:class:`engine.errors.LabError` built from :mod:`engine.hyperv.catalogue` (``catalogue.entries()`` lists all).

Operations, by module:

- ``hostsettings``: ``get_host``, ``enable_migration``, ``disable_migration``, ``set_host``,
  ``add_migration_network``, ``set_migration_network``, ``remove_migration_network``, ``get_migration_networks``.
- ``vms``: ``get_vm``, ``get_vm_by_id``, ``remove_vm``, ``get_switch``, ``new_switch``, ``start_vm``, ``stop_vm``,
  ``save_vm``, ``suspend_vm``, ``resume_vm``, ``set_vm_processor``, ``connect_adapter``, ``disconnect_adapter``,
  ``set_adapter``, ``rename_switch``, ``set_net_adapter_state``.
- ``ad``: ``set_delegation``, ``add_delegation``, ``remove_delegation``, ``delegation_of``.
- ``migration``: ``move_vm``, ``compare_vm``. ``storage``: ``move_vm_storage``, ``test_path``, ``list_files``.
- ``checkpoints``: ``checkpoint_vm``, ``remove_vm_snapshot``.
- ``exportimport``: ``export_vm``, ``import_vm`` (the job's ``result_vm_id`` names the VM it created).
- ``cluster``: ``add_cluster_vm_role``, ``move_cluster_vm_role``, ``suspend_node``, ``resume_node``,
  ``shutdown_host``, ``start_host``, ``set_cluster`` (DrainOnShutdown), ``set_cluster_network`` (live migration).
- ``faults``: ``inject(fault)``.

Time (``jobs``): long operations return a :class:`~engine.hyperv.state.Job`; without ``as_job`` the call blocks
(the clock advances to the job's end; a failed job re-raises its error); with ``as_job`` it returns at once and
``advance(seconds)``, ``wait(job)``, ``run_until_idle()`` move time. ``lab.now`` is the simulated clock.

Every operation method is marked with the cmdlet(s) it implements (``Lab.operations()`` lists them); a
LabError leaving one carries ``details["operation"]`` and ``details["computer"]`` (where it ran).

Compatibility reports (``compat``): ``compare_vm`` returns a :class:`CompatibilityReport`; ``move_vm`` and
``import_vm`` raise ``migration.incompatible`` / ``import.configuration_errors`` / ``cluster.live_config_failed``
with the report in ``err.details["report"]``. Fix with ``connect_adapter(adapter=inc.source, switch_name=…)``
or ``disconnect_adapter(adapter=inc.source)``, re-check with ``compare_vm(compatibility_report=r)`` and pass
``compatibility_report=r`` to ``move_vm`` / ``import_vm``.

LabState (``labstate``): Hosts (Get-VMHost properties + MigrationNetworks, Switches, NetAdapters, Processor), VMs
(Get-VM properties + Processor, NetworkAdapters, HardDrives, Checkpoints), Clusters (Nodes, Groups,
SharedVolumes, Networks), ADComputers (msDS-AllowedToDelegateTo), SmbShares, Jobs (the job log), Clock, Events.

Event log (``World.events``, ``LabState.Events``): every LabError leaving a mutating operation (any cmdlet but
Get-/Test-/Compare-) and every job that fails appends one event — Id, Time (simulated clock), Operation (the
cmdlet), Computer (where it ran), Target, ErrorId, EventId (catalogued Windows event id or None), Message (first
line). The newest 200 are kept; saved in JSON exactly. Emulator-only, like Jobs and Clock.
"""
from engine.errors import LabError
from engine.hyperv.caller import Caller
from engine.hyperv.catalogue import CATALOGUE, entries
from engine.hyperv.compat import CompatibilityReport, Incompatibility
from engine.hyperv.lab import Lab
from engine.hyperv.labstate import LabState
from engine.hyperv.state import Job

__all__ = ["Lab", "Caller", "LabState", "LabError", "Job", "CompatibilityReport", "Incompatibility",
           "CATALOGUE", "entries"]
