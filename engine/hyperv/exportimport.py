"""Export-VM, Import-VM and Compare-VM for imports: the file-based path, and the only one between Intel and AMD.

An export writes ``<Path>\\<VM>\\Virtual Machines\\<Id>.xml`` (carrying the VM's definition), ``Virtual Hard Disks``
and ``Snapshots``. Windows Server 2012 exports only VMs that are off or saved; 2012 R2 also running ones (the
exported copy is then a VM that is off). Import registers in place (same Id), copies (same Id) or copies with a
new Id; a missing switch fails the import until a compatibility report fixes it.
"""
from __future__ import annotations

import dataclasses
import ntpath

from engine.hyperv.caller import Caller, CallerMixin, operation
from engine.hyperv.catalogue import error
from engine.hyperv.compat import CompatibilityReport, recheck, switch_incompatibilities
from engine.hyperv.files import CONFIG_GB, add, checkpoint_file, find, folder_used, location, vm_files
from engine.hyperv.state import VM, Host, Job, build_vm, vm_id
from engine.hyperv.vms import ACTIVE_STATES


class ExportImportMixin(CallerMixin):
    """Export-VM / Import-VM of :class:`engine.hyperv.lab.Lab`."""

    @operation("Export-VM")
    def export_vm(self, name: str, path: str, *, computer_name: str | None = None, as_job: bool = False,
                  caller: Caller | None = None) -> Job:
        """Export-VM: copy the VM's files and definition under ``path``\\<name>."""
        vm = self._find_vm(name, computer_name, caller)
        host = self.world.host(vm.host)
        if vm.state in ACTIVE_STATES and host.os == "WindowsServer2012":
            raise error("export.running", target=vm.name, vm=vm.name, state=vm.state.lower(), host=host.name)
        location(self.world, host, path)
        folder = f"{path.rstrip(chr(92))}\\{vm.name}"
        if folder_used(self.world, host, folder):
            raise error("export.exists", target=vm.name, vm=vm.name, path=folder)
        disk_gb = sum(size for _, size in vm_files(vm))
        demand = min(vm.demand_mb, vm.memory_mb) if vm.state in ACTIVE_STATES else 0
        timing = {"kind": "export", "memory_mb": vm.memory_mb, "demand_mb": demand, "disk_gb": disk_gb,
                  "os": host.os, "storage_mb_s": host.storage_mb_s}
        plan = {"op": "export", "vm_id": vm.id, "folder": folder}
        job = self._new_job("export", vm.name, host.name, host.name, timing=timing, plan=plan)
        return self._block(self._submit(job, queue=False), as_job)

    def _finish_export(self, job: Job) -> None:
        vm = self._vm_by_id(job.plan["vm_id"])
        host, folder = self.world.host(job.source), job.plan["folder"]
        exported = dataclasses.replace(
            vm, path=folder, snapshot_path=folder, smart_paging_path=folder, cluster=None,
            state="Saved" if vm.state == "Saved" else "Off", status="Operating normally",
            vhds=[dataclasses.replace(d, path=f"{folder}\\Virtual Hard Disks\\{ntpath.basename(d.path)}")
                  for d in vm.vhds if not d.passthrough],
            checkpoints=[dataclasses.replace(c, path=folder) for c in vm.checkpoints])
        for d in exported.vhds:
            add(self.world, host, d.path, d.used_gb)
        for c in exported.checkpoints:
            add(self.world, host, checkpoint_file(exported, c.name, folder), CONFIG_GB)
        add(self.world, host, exported.config_file(), CONFIG_GB, config=dataclasses.asdict(exported))

    def _read_config(self, host: Host, path: str) -> VM:
        location(self.world, host, path)
        found = find(self.world, host, path)
        if found is None:
            raise error("storage.path_not_found", target=path, host=host.name, path=path)
        if found.config is None:
            raise error("import.not_a_configuration", target=path, host=host.name, path=path)
        return build_vm(found.config)

    def _planned_import(self, host: Host, path: str, *, copy: bool, generate_new_id: bool,
                        vhd_destination_path: str | None, virtual_machine_path: str | None,
                        snapshot_file_path: str | None, smart_paging_file_path: str | None) -> VM:
        """The VM an import would create on ``host``, with the path and identity rules applied."""
        if generate_new_id and not copy:
            raise error("import.new_id_needs_copy")
        vm = self._read_config(host, path)
        if copy:
            if generate_new_id:
                vm.id = vm_id(f"{vm.name}#{self.world.next_copy}")
            vm_path = virtual_machine_path or host.settings.VirtualMachinePath
            vhd_path = vhd_destination_path or host.settings.VirtualHardDiskPath
            for d in vm.vhds:
                d.path = f"{vhd_path.rstrip(chr(92))}\\{ntpath.basename(d.path)}"
            vm.path = vm_path
            vm.snapshot_path = snapshot_file_path or vm_path
            vm.smart_paging_path = smart_paging_file_path or vm_path
            for c in vm.checkpoints:
                c.path = vm.snapshot_path
            for p in [vm.path, vm.snapshot_path, vm.smart_paging_path] + [d.path for d in vm.vhds]:
                location(self.world, host, p)
        if any(v.id == vm.id and v.host.lower() == host.name.lower() for v in self.world.vms):
            raise error("import.id_exists", target=vm.name, vm_id=vm.id, host=host.name)
        vm.host = host.name
        # The guest boots on this host's processor, so it uses this host's features from now on.
        vm.processor_features = list(host.cpu_features)
        return vm

    def _compare_import(self, path: str, *, copy: bool, computer_name: str | None,
                        vhd_destination_path: str | None, vhd_source_path: str | None,
                        virtual_machine_path: str | None, snapshot_file_path: str | None,
                        smart_paging_file_path: str | None, generate_new_id: bool,
                        caller: Caller | None) -> CompatibilityReport:
        host = self._target_host(computer_name, caller)
        vm = self._planned_import(host, path, copy=copy, generate_new_id=generate_new_id,
                                  vhd_destination_path=vhd_destination_path,
                                  virtual_machine_path=virtual_machine_path, snapshot_file_path=snapshot_file_path,
                                  smart_paging_file_path=smart_paging_file_path)
        report = CompatibilityReport(vm, "CopyVirtualMachine" if copy else "ImportVirtualMachine", host.name,
                                     path=path, snapshot_path=vm.snapshot_path,
                                     vhd_destination_path=vhd_destination_path, vhd_source_path=vhd_source_path,
                                     options={"import_path": path, "copy": copy})
        return recheck(report, host)

    @operation("Import-VM")
    def import_vm(self, path: str | None = None, *, register: bool = False, copy: bool = False,
                  generate_new_id: bool = False, vhd_destination_path: str | None = None,
                  virtual_machine_path: str | None = None, snapshot_file_path: str | None = None,
                  smart_paging_file_path: str | None = None, vhd_source_path: str | None = None,
                  computer_name: str | None = None, compatibility_report: CompatibilityReport | None = None,
                  as_job: bool = False, caller: Caller | None = None) -> Job:
        """Import-VM: register in place, copy, or copy with a new Id (or finish a fixed compatibility report).

        ``register`` names the Register parameter set, which is what an import without ``copy`` does;
        ``vhd_source_path`` (where to look for VHDs the configuration cannot find) is accepted for parameter
        parity: exports made by this lab always hold their VHDs."""
        if compatibility_report is not None:
            host = self.world.host(compatibility_report.destination)
            report = recheck(compatibility_report, host)
            vm, copy, path = report.vm, report.options["copy"], report.options["import_path"]
        else:
            host = self._target_host(computer_name, caller)
            vm = self._planned_import(host, path or "", copy=copy,
                                      generate_new_id=generate_new_id, vhd_destination_path=vhd_destination_path,
                                      virtual_machine_path=virtual_machine_path,
                                      snapshot_file_path=snapshot_file_path,
                                      smart_paging_file_path=smart_paging_file_path)
            report = CompatibilityReport(vm, "CopyVirtualMachine" if copy else "ImportVirtualMachine", host.name,
                                         path=path, options={"import_path": path, "copy": copy})
            report.incompatibilities = switch_incompatibilities(vm, host)
        if report.incompatibilities:
            # Windows names no target here: CategoryInfo reads "NotSpecified: (:) [Import-VM], …".
            raise error("import.configuration_errors", details={"report": report})
        source_files = self._read_config(host, path or "")
        if vm.id != source_files.id:
            self.world.next_copy += 1  # the new Id is taken; the next copy gets another
        disk_gb = sum(d.used_gb for d in source_files.vhds) if copy else 0.0
        timing = {"kind": "storage", "memory_mb": vm.memory_mb, "disk_gb": disk_gb, "storage_mb_s": host.storage_mb_s}
        plan = {"op": "import", "vm": dataclasses.asdict(vm), "copy": copy}
        job = self._new_job("import", vm.name, host.name, host.name, timing=timing, plan=plan)
        return self._block(self._submit(job, queue=False), as_job)

    def _finish_import(self, job: Job) -> None:
        vm = build_vm(job.plan["vm"])
        host = self.world.host(job.destination)
        if job.plan["copy"]:
            for disk in vm.vhds:
                add(self.world, host, disk.path, disk.used_gb)
            add(self.world, host, vm.config_file(), CONFIG_GB)
            for c in vm.checkpoints:
                add(self.world, host, checkpoint_file(vm, c.name, c.path), CONFIG_GB)
        self.world.vms.append(vm)
        job.result_vm_id = vm.id
