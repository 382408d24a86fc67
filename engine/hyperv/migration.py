"""Live and shared-nothing migration outside a cluster (Move-VM, Compare-VM for moves).

The rules, in the order a move meets them (reference §2, §3, §5): the VM is not a clustered role; migration is
enabled on the source and the destination; both hosts are in one domain or trusted domains; authentication
(CredSSP: signed in on the source; Kerberos: constrained delegation of ``cifs`` and ``Microsoft Virtual System
Migration Service`` from the source's account to the destination); a migration network of the destination up on
both hosts; the same processor vendor; processor features in use available on the destination unless
compatibility mode is on; storage either moved (one folder, a folder per item) or reachable by the destination
(SMB/CSV); enough free memory; identical switch names for every connected adapter (else a compatibility report).
"""
from __future__ import annotations

import dataclasses

from engine.hyperv.ad import MIGRATION_SERVICES, delegates_to, trusted
from engine.hyperv.caller import Caller, CallerMixin, operation
from engine.hyperv.catalogue import error
from engine.hyperv.compat import CompatibilityReport, planned, recheck
from engine.hyperv.files import Layout, apply_layout, check_layout, layout_for, moved_gb, scope, vm_paths
from engine.hyperv.hostsettings import in_subnet
from engine.hyperv.state import VM, Adapter, Host, Job, NetAdapter, World
from engine.hyperv.vms import ACTIVE_STATES, free_memory_mb

_STORAGE_OPTIONS = ("destination_storage_path", "virtual_machine_path", "snapshot_file_path",
                    "smart_paging_file_path", "vhds")


def check_processor(vm: VM, source: Host, destination: Host) -> None:
    """Same vendor always; the features a running or saved VM uses must exist unless compatibility mode is on."""
    if source.cpu_vendor != destination.cpu_vendor:
        raise error("migration.cpu_vendor", target=vm.name, vm=vm.name, source=source.name, dest=destination.name,
                    source_vendor=source.cpu_vendor, dest_vendor=destination.cpu_vendor)
    if vm.state == "Off" or vm.compat_migration:
        return
    if set(vm.processor_features) - set(destination.cpu_features):
        if vm.checkpoints:
            raise error("migration.hardware_incompatible", target=vm.name)
        raise error("migration.processor_features", target=vm.name, vm=vm.name, dest=destination.name)


def check_memory(world: World, vm: VM, destination: Host) -> None:
    """An active VM needs its assigned memory free on the destination."""
    if vm.state in ACTIVE_STATES and free_memory_mb(world, destination) < vm.memory_mb:
        raise error("migration.insufficient_memory", target=vm.name)


def check_storage_shared(world: World, vm: VM, source: Host, destination: Host) -> None:
    """A move that leaves storage in place needs every file on storage both hosts reach (SMB or CSV)."""
    if vm.state in ACTIVE_STATES and any(d.passthrough for d in vm.vhds):
        raise error("storage.passthrough", target=vm.name, vm=vm.name)
    for path in vm_paths(vm):
        # Reachable = the same folder from both hosts, not a same-named local folder of the destination.
        here = scope(world, destination, path)
        if here is None or here != scope(world, source, path):
            raise error("migration.storage_unreachable", target=vm.name, vm=vm.name, dest=destination.name,
                        path=path)


def check_not_busy(world: World, vm: VM) -> None:
    """A VM takes part in one move at a time."""
    if any(j.vm == vm.name and j.state in ("Queued", "Running") and j.kind != "export" for j in world.jobs):
        raise error("vm.busy", target=vm.name, vm=vm.name)


def migration_link(source: Host, destination: Host) -> tuple[NetAdapter, NetAdapter]:
    """The (source NIC, destination NIC) pair a live migration uses, by the destination's network rules."""
    if destination.settings.UseAnyNetworkForMigration:
        subnets = [n.ip for n in destination.nics if n.status == "Up"]
    else:
        subnets = [n.subnet for n in sorted(destination.migration_networks, key=lambda n: n.priority)]
    for subnet in subnets:
        dst = next((n for n in destination.nics if n.status == "Up" and in_subnet(n, subnet)), None)
        src = next((n for n in source.nics if n.status == "Up" and in_subnet(n, subnet)), None)
        if dst is not None and src is not None:
            return src, dst
    listed = ", ".join(n.subnet for n in destination.migration_networks) or "none configured"
    raise error("migration.no_network", target=destination.name, dest=destination.name, source=source.name,
                networks="any network" if destination.settings.UseAnyNetworkForMigration else listed)


def live_timing(vm: VM, source: Host, link_gbps: float, *, kind: str = "live", disk_gb: float = 0.0,
                storage_mb_s: float | None = None) -> dict:
    """Timing parameters of a live (or shared-nothing) move: memory demand, dirty rate, the source's option."""
    params = {"kind": kind, "memory_mb": vm.memory_mb, "demand_mb": min(vm.demand_mb, vm.memory_mb),
              "link_gbps": link_gbps, "dirty_mb_s": vm.dirty_rate_mb_s, "os": source.os, "parallel": 1,
              "option": source.settings.VirtualMachineMigrationPerformanceOption}
    if kind == "shared-nothing":
        params |= {"disk_gb": disk_gb, "storage_mb_s": storage_mb_s}
    return params


class MigrationMixin(CallerMixin):
    """Move-VM and Compare-VM (move) of :class:`engine.hyperv.lab.Lab`."""

    def _check_move(self, vm: VM, destination: Host, caller: Caller, options: dict) -> tuple[Layout | None, tuple]:
        """Every rule of a non-clustered move except switch names; returns the storage layout and the link."""
        world = self.world
        source = world.host(vm.host)
        if source.name.lower() == destination.name.lower():
            raise error("migration.same_host", target=vm.name, vm=vm.name, host=source.name)
        if not destination.online:
            raise error("host.offline", target=destination.name, name=destination.name)
        if vm.cluster is not None:
            raise error("migration.clustered_vm", target=vm.name, vm=vm.name, cluster=vm.cluster)
        check_not_busy(world, vm)
        if not source.settings.VirtualMachineMigrationEnabled:
            raise error("migration.disabled_source", target=vm.name, host=source.name)
        if not destination.settings.VirtualMachineMigrationEnabled:
            raise error("migration.disabled_destination", target=vm.name, dest=destination.name)
        if not trusted(world, source, destination):
            raise error("migration.domain", target=vm.name, source=source.name, dest=destination.name)
        if source.settings.VirtualMachineMigrationAuthenticationType == "CredSSP":
            if not caller.signed_in_on(source.name):
                raise error("migration.credssp_remote", target=vm.name, dest=destination.name)
        elif not all(delegates_to(world, source, destination, s) for s in MIGRATION_SERVICES):
            raise error("migration.kerberos_delegation", target=vm.name, dest=destination.name)
        link = migration_link(source, destination)
        check_processor(vm, source, destination)
        layout = None
        if any(options.get(k) for k in _STORAGE_OPTIONS):
            layout = layout_for(vm, **{k: options.get(k) for k in _STORAGE_OPTIONS})
            check_layout(world, vm, destination, layout)
        else:
            check_storage_shared(world, vm, source, destination)
        check_memory(world, vm, destination)
        return layout, link

    @operation("Compare-VM")
    def compare_vm(self, name: str | None = None, destination_host: str | None = None, *,
                   computer_name: str | None = None, include_storage: bool = False,
                   destination_storage_path: str | None = None, virtual_machine_path: str | None = None,
                   snapshot_file_path: str | None = None, smart_paging_file_path: str | None = None,
                   vhds: list[dict] | None = None, compatibility_report: CompatibilityReport | None = None,
                   path: str | None = None, register: bool = False, copy: bool = False,
                   vhd_destination_path: str | None = None, vhd_source_path: str | None = None,
                   generate_new_id: bool = False, caller: Caller | None = None) -> CompatibilityReport:
        """Compare-VM: a compatibility report for a move (Name set), an import (``path``: Register set, or Copy
        set with ``copy``), or a re-check of an existing report (``compatibility_report``). Hard failures raise
        as Move-VM / Import-VM would."""
        if compatibility_report is not None:
            return recheck(compatibility_report, self.world.host(compatibility_report.destination))
        if path is not None:
            return self._compare_import(path, copy=copy, computer_name=computer_name,
                                        vhd_destination_path=vhd_destination_path, vhd_source_path=vhd_source_path,
                                        virtual_machine_path=virtual_machine_path,
                                        snapshot_file_path=snapshot_file_path,
                                        smart_paging_file_path=smart_paging_file_path,
                                        generate_new_id=generate_new_id, caller=caller)
        who = self._caller(caller)
        vm = self._find_vm(name or "", computer_name, caller)
        destination = self.world.host(destination_host or "")
        options = {"include_storage": include_storage, "destination_storage_path": destination_storage_path,
                   "virtual_machine_path": virtual_machine_path, "snapshot_file_path": snapshot_file_path,
                   "smart_paging_file_path": smart_paging_file_path, "vhds": vhds}
        self._check_move(vm, destination, who, options)
        report = CompatibilityReport(planned(vm), "MoveVirtualMachine", destination.name,
                                     path=virtual_machine_path or destination_storage_path,
                                     snapshot_path=snapshot_file_path or destination_storage_path,
                                     options=options | {"source_vm": vm.id})
        return recheck(report, destination)

    @operation("Move-VM")
    def move_vm(self, name: str | None = None, destination_host: str | None = None, *,
                computer_name: str | None = None, include_storage: bool = False,
                destination_storage_path: str | None = None, virtual_machine_path: str | None = None,
                snapshot_file_path: str | None = None, smart_paging_file_path: str | None = None,
                vhds: list[dict] | None = None, retain_vhd_copies_on_source: bool = False,
                compatibility_report: CompatibilityReport | None = None, as_job: bool = False,
                caller: Caller | None = None) -> Job:
        """Move-VM: live migration (storage stays on SMB/CSV), shared-nothing live migration (storage moves), or
        a move of a VM that is off or saved. Blocks until done unless ``as_job``. An incompatibility raises
        ``migration.incompatible`` with the report in ``details["report"]``.

        Storage moves when any storage path is given (``include_storage`` pairs with
        ``destination_storage_path`` as in the cmdlet's parameter set; the binding enforces the pairing). Items
        without a path of their own keep their path string, now on the destination."""
        if compatibility_report is not None:
            report = compatibility_report
            vm = next(v for v in self.world.vms if v.id == report.options["source_vm"])
            options = report.options
            destination = self.world.host(report.destination)
        else:
            vm = self._find_vm(name or "", computer_name, caller)
            destination = self.world.host(destination_host or "")
            options = {"include_storage": include_storage, "destination_storage_path": destination_storage_path,
                       "virtual_machine_path": virtual_machine_path, "snapshot_file_path": snapshot_file_path,
                       "smart_paging_file_path": smart_paging_file_path, "vhds": vhds}
            report = None
        layout, (src_nic, dst_nic) = self._check_move(vm, destination, self._caller(caller), options)
        if report is None:
            report = CompatibilityReport(planned(vm), "MoveVirtualMachine", destination.name,
                                         options=options | {"source_vm": vm.id})
        recheck(report, destination)
        if report.incompatibilities:
            raise error("migration.incompatible", target=vm.name, details={"report": report}, vm=vm.name,
                        dest=destination.name, messages=" ".join(i.message for i in report.incompatibilities))
        source = self.world.host(vm.host)
        link_gbps = min(src_nic.speed_gbps, dst_nic.speed_gbps)
        storage_mb_s = min(source.storage_mb_s, destination.storage_mb_s)
        if vm.state not in ACTIVE_STATES:
            kind = "move"
            saved_gb = vm.memory_mb / 1024 if vm.state == "Saved" else 0.0
            disk = (moved_gb(vm, layout) if layout else 0.0) + saved_gb
            timing = {"kind": "storage", "memory_mb": 0, "disk_gb": disk, "storage_mb_s": storage_mb_s}
        elif layout is not None:
            kind = "shared-nothing"
            timing = live_timing(vm, source, link_gbps, kind=kind, disk_gb=moved_gb(vm, layout),
                                 storage_mb_s=storage_mb_s)
        else:
            kind = "live"
            timing = live_timing(vm, source, link_gbps)
        plan = {"op": "move_vm", "vm_id": vm.id, "layout": layout.to_dict() if layout else None,
                "retain": retain_vhd_copies_on_source,
                "adapters": [dataclasses.asdict(a) for a in report.vm.adapters]}
        job = self._new_job(kind, vm.name, source.name, destination.name, timing=timing, plan=plan,
                            link=f"{source.name}/{src_nic.name}")
        return self._block(self._submit(job, queue=False), as_job)

    def _vm_by_id(self, vm_id: str) -> VM:
        return next(v for v in self.world.vms if v.id == vm_id)

    def _begin_move_vm(self, job: Job) -> None:
        self._vm_by_id(job.plan["vm_id"]).status = "Migrating"

    def _abort_move_vm(self, job: Job) -> None:
        self._vm_by_id(job.plan["vm_id"]).status = "Operating normally"

    def _finish_move_vm(self, job: Job) -> None:
        vm = self._vm_by_id(job.plan["vm_id"])
        source, destination = self.world.host(job.source), self.world.host(job.destination)
        if job.plan["layout"] is not None:
            apply_layout(self.world, vm, source, destination, Layout(**job.plan["layout"]),
                         retain_vhds=job.plan["retain"])
        vm.adapters = [Adapter(**a) for a in job.plan["adapters"]]
        vm.host = destination.name
        vm.status = "Operating normally"
        job.result_vm_id = vm.id
