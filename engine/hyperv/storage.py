"""Storage migration of a VM, running or not (Move-VMStorage): no downtime, the VM stays on its host.

Options (reference §3): everything to one folder (``destination_storage_path``), chosen items to chosen folders
(configuration, checkpoints, smart paging, ``vhds``), or only some VHDs. Targets may be local volumes, a CSV of
the host's cluster or an SMB share the host's account may use. Pass-through disks cannot be moved.
``test_path`` and ``list_files`` look at the file-system model the way Test-Path and Get-ChildItem would.
"""
from __future__ import annotations

from engine.hyperv.caller import Caller, CallerMixin, operation
from engine.hyperv.files import (
    Layout, apply_layout, check_layout, files_under, find, folder_used, layout_for, moved_gb, scope,
)
from engine.hyperv.migration import check_not_busy
from engine.hyperv.state import File, Job


class StorageMixin(CallerMixin):
    """Move-VMStorage of :class:`engine.hyperv.lab.Lab`."""

    @operation("Move-VMStorage")
    def move_vm_storage(self, vm_name: str, destination_storage_path: str | None = None, *,
                        virtual_machine_path: str | None = None, snapshot_file_path: str | None = None,
                        smart_paging_file_path: str | None = None, vhds: list[dict] | None = None,
                        retain_vhd_copies_on_source: bool = False, allow_unverified_paths: bool = False,
                        computer_name: str | None = None, as_job: bool = False,
                        caller: Caller | None = None) -> Job:
        """Move-VMStorage -VMName: copy the chosen storage while the VM keeps running, then switch to it.

        ``allow_unverified_paths`` is accepted for parameter parity; the model always verifies paths, because
        clustered paths it cannot see are already modelled as CSVs.
        """
        vm = self._find_vm(vm_name, computer_name, caller)
        host = self.world.host(vm.host)
        check_not_busy(self.world, vm)
        layout = layout_for(vm, destination_storage_path=destination_storage_path,
                            virtual_machine_path=virtual_machine_path, snapshot_file_path=snapshot_file_path,
                            smart_paging_file_path=smart_paging_file_path, vhds=vhds)
        check_layout(self.world, vm, host, layout)
        timing = {"kind": "storage", "memory_mb": vm.memory_mb, "disk_gb": moved_gb(vm, layout),
                  "storage_mb_s": host.storage_mb_s}
        plan = {"op": "move_storage", "vm_id": vm.id, "layout": layout.to_dict(),
                "retain": retain_vhd_copies_on_source}
        job = self._new_job("storage", vm.name, host.name, host.name, timing=timing, plan=plan)
        return self._block(self._submit(job, queue=False), as_job)

    def _finish_move_storage(self, job: Job) -> None:
        vm = self._vm_by_id(job.plan["vm_id"])
        host = self.world.host(vm.host)
        apply_layout(self.world, vm, host, host, Layout(**job.plan["layout"]), retain_vhds=job.plan["retain"])

    @operation("Test-Path")
    def test_path(self, path: str, computer_name: str | None = None, *, caller: Caller | None = None) -> bool:
        """Test-Path on a host: a file, or a folder holding files, that the host can reach."""
        host = self._target_host(computer_name, caller)
        if scope(self.world, host, path) is None:
            return False
        return find(self.world, host, path) is not None or folder_used(self.world, host, path)

    @operation("Get-ChildItem")
    def list_files(self, folder: str, computer_name: str | None = None, *,
                   caller: Caller | None = None) -> list[File]:
        """Get-ChildItem -Recurse -File on a host: the files under ``folder`` it can reach, by path."""
        return files_under(self.world, self._target_host(computer_name, caller), folder)
