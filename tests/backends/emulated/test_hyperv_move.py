"""Movement cmdlets typed as an administrator would: Move-VM, Compare-VM, Move-VMStorage, Export-VM, Import-VM."""
from __future__ import annotations

import pytest

from tests.backends.emulated.test_hyperv_objects import assert_error, backend

MOVE_ALL = r"-IncludeStorage -DestinationStoragePath D:\VMs\VM1"
EXPORTED = r"\\FS1\Exports\VM1\Virtual Machines\$((Get-VM VM1 -ComputerName HV1).Id).xml"


# ---------------------------------------------------------------------------------------------------- Move-VM
def test_move_vm_shared_nothing_by_name():
    lab = backend()
    result = lab.run(f"Move-VM VM1 HV2 {MOVE_ALL}")
    assert result.output == [] and not result.had_errors
    vm = lab.snapshot().vm("VM1")
    assert (vm.ComputerName, vm.State, vm.Path) == ("HV2", "Running", "D:\\VMs\\VM1")


def test_move_vm_vm_set_from_the_pipeline_with_passthru():
    lab = backend()
    result = lab.run(f"Get-VM VM1 | Move-VM -DestinationHost HV2 {MOVE_ALL} -Passthru")
    assert [(vm["Name"], vm["ComputerName"]) for vm in result.output] == [("VM1", "HV2")]
    assert lab.snapshot().vm("VM1").ComputerName == "HV2"


def test_move_vm_items_to_their_own_folders():
    lab = backend()
    lab.run(r"Move-VM VM1 HV2 -IncludeStorage -VirtualMachinePath D:\Config\VM1 -SnapshotFilePath D:\Snap\VM1 "
            r"-SmartPagingFilePath D:\Paging\VM1 -Vhds @(@{SourceFilePath='D:\VMs\VM1\Virtual Hard Disks\VM1.vhdx';"
            r" DestinationFilePath='D:\Disks\VM1.vhdx'})")
    vm = lab.snapshot().vm("VM1")
    assert (vm.ComputerName, vm.Path, vm.SnapshotFileLocation, vm.SmartPagingFilePath, vm.HardDrives[0].Path) == (
        "HV2", "D:\\Config\\VM1", "D:\\Snap\\VM1", "D:\\Paging\\VM1", "D:\\Disks\\VM1.vhdx")


def test_move_vm_as_job_then_wait_and_receive():
    lab = backend()
    started = lab.run(f"$j = Move-VM VM1 HV2 {MOVE_ALL} -AsJob -Passthru; $j.State; (Get-VM VM1).Status")
    assert started.output == ["Running", "Migrating"]
    assert lab.snapshot().vm("VM1").ComputerName == "HV1"
    received = lab.run("$j | Wait-Job | Receive-Job")
    assert [(vm["Name"], vm["ComputerName"]) for vm in received.output] == [("VM1", "HV2")]
    assert lab.snapshot().vm("VM1").ComputerName == "HV2"
    assert lab.run("(Get-Job -Id $j.Id).State").output == ["Completed"]


def test_move_vm_whatif_moves_nothing():
    lab = backend()
    result = lab.run(f"Move-VM VM1 HV2 {MOVE_ALL} -WhatIf")
    assert result.text.startswith('What if: Performing operation "Move-VM" on Target "VM1".')
    assert lab.snapshot().vm("VM1").ComputerName == "HV1"


def test_move_vm_without_storage_on_local_disks():
    lab = backend()
    result = lab.run("Move-VM VM1 HV2")
    assert_error(result, 'Move-VM : Virtual machine "VM1" cannot move without its storage: host "HV2" cannot reach '
                         "'D:\\VMs\\VM1'. Move the storage too (-IncludeStorage) or keep it on an SMB share or a "
                         "CSV the destination can reach.",
                 "NotSpecified: (VM1:String) [Move-VM], VirtualizationOperationFailedException",
                 "OperationFailed,Microsoft.HyperV.PowerShell.Commands.MoveVMCommand",
                 "migration.storage_unreachable")


def test_move_vm_credssp_from_a_workstation():
    lab = backend()
    result = lab.run(f"Move-VM VM1 HV2 {MOVE_ALL} -ComputerName HV1", host="remote")
    head = result.errors[0].render().splitlines()[0]
    assert head == "Move-VM : Virtual machine migration operation failed at migration Source."
    assert result.errors[0].lab_error.id == "migration.credssp_remote"
    assert result.errors[0].fqid == "OperationFailed,Microsoft.HyperV.PowerShell.Commands.MoveVMCommand"
    assert lab.snapshot().vm("VM1").ComputerName == "HV1"


def test_move_vm_migration_disabled_on_source():
    lab = backend("fresh-pair")
    result = lab.run(f"Move-VM VM1 HV2 {MOVE_ALL}")
    assert result.errors[0].lab_error.id == "migration.disabled_source"
    assert result.errors[0].render().splitlines()[0].startswith("Move-VM : Virtual machine migration is not enabled")


def test_move_vm_past_the_simultaneous_limit():
    lab = backend()
    lab.run("Set-VMHost -MaximumVirtualMachineMigrations 1 -ComputerName HV1, HV2")
    result = lab.run(f"Move-VM VM1 HV2 {MOVE_ALL} -AsJob; Move-VM VM2 HV2 -IncludeStorage "
                     r"-DestinationStoragePath D:\VMs\VM2 -AsJob")
    assert len(result.output) == 1
    assert_error(result, 'Move-VM : Failed to perform migration on virtual machine "VM2" because virtual machine '
                         'migration limit "1" was reached, please wait for completion of an ongoing migration '
                         "operation.",
                 "NotSpecified: (VM2:String) [Move-VM], VirtualizationOperationFailedException",
                 "OperationFailed,Microsoft.HyperV.PowerShell.Commands.MoveVMCommand", "migration.limit_reached")


def test_move_vm_missing_switch_writes_the_error_and_nothing_else():
    lab = backend()
    lab.run("Rename-VMSwitch External Production -ComputerName HV2")
    result = lab.run(f"Move-VM VM1 HV2 {MOVE_ALL} -Passthru")
    assert result.output == []
    assert_error(result, "Move-VM : Virtual machine \"VM1\" is not compatible with host \"HV2\": Could not find "
                         "Ethernet switch 'External'.",
                 "NotSpecified: (VM1:String) [Move-VM], VirtualizationOperationFailedException",
                 "OperationFailed,Microsoft.HyperV.PowerShell.Commands.MoveVMCommand", "migration.incompatible")
    assert lab.snapshot().vm("VM1").ComputerName == "HV1"


# ------------------------------------------------------------------------------------------------- Compare-VM
def test_compare_vm_report_lists_the_missing_switch():
    lab = backend()
    lab.run("Rename-VMSwitch External Production -ComputerName HV2")
    result = lab.run(f"$r = Compare-VM VM1 HV2 {MOVE_ALL}; $r; $r.Incompatibilities[0].Source")
    report, source = result.output
    assert report.type_names[0] == "Microsoft.HyperV.PowerShell.VMCompatibilityReport"
    assert (report["OperationType"], report["Destination"]) == ("MoveVirtualMachine", "HV2")
    incompatibility = report["Incompatibilities"][0]
    assert (incompatibility["Message"], incompatibility["MessageId"]) == ("Could not find Ethernet switch 'External'.",
                                                                        33012)
    assert source.type_names[0] == "Microsoft.HyperV.PowerShell.VMNetworkAdapter"
    assert "Incompatibilities  : {Microsoft.HyperV.PowerShell.VMCompatibilityError}" in result.text


def test_compare_vm_fix_recheck_and_move_with_the_report():
    lab = backend()
    lab.run("Rename-VMSwitch External Production -ComputerName HV2")
    lab.run(f"$r = Compare-VM -Name VM1 -DestinationHost HV2 {MOVE_ALL}")
    lab.run("$r.Incompatibilities[0].Source | Connect-VMNetworkAdapter -SwitchName Production")
    rechecked = lab.run("Compare-VM -CompatibilityReport $r; $r.Incompatibilities.Count")
    assert rechecked.output[-1] == 0
    moved = lab.run("Move-VM -CompatibilityReport $r -Passthru")
    assert [(vm["Name"], vm["ComputerName"]) for vm in moved.output] == [("VM1", "HV2")]
    vm = lab.snapshot().vm("VM1")
    assert (vm.ComputerName, vm.NetworkAdapters[0].SwitchName) == ("HV2", "Production")


def test_compare_vm_fix_by_disconnecting_the_source():
    lab = backend()
    lab.run("Rename-VMSwitch External Production -ComputerName HV2")
    lab.run(f"$r = Get-VM VM1 | Compare-VM -DestinationHost HV2 {MOVE_ALL}")
    lab.run("$r.Incompatibilities[0].Source | Disconnect-VMNetworkAdapter; Compare-VM -CompatibilityReport $r")
    lab.run("Move-VM -CompatibilityReport $r")
    assert lab.snapshot().vm("VM1").NetworkAdapters[0].Connected is False
    assert lab.snapshot().vm("VM1").ComputerName == "HV2"


def test_compare_vm_hard_failure_is_an_error_not_a_report():
    result = backend("fresh-pair").run(f"Compare-VM VM1 HV2 {MOVE_ALL}")
    assert result.output == [] and result.errors[0].lab_error.id == "migration.disabled_source"


# --------------------------------------------------------------------------------------------- Move-VMStorage
def test_move_vmstorage_single_destination():
    lab = backend()
    lab.run(r"Move-VMStorage VM2 D:\Moved\VM2")
    vm = lab.snapshot().vm("VM2")
    assert (vm.ComputerName, vm.State, vm.Path, vm.HardDrives[0].Path) == (
        "HV1", "Running", "D:\\Moved\\VM2", "D:\\Moved\\VM2\\VM2.vhdx")


def test_move_vmstorage_vm_set_multiple_destinations():
    lab = backend()
    lab.run(r"Get-VM VM2 | Move-VMStorage -VirtualMachinePath D:\Cfg -SnapshotFilePath D:\Snap -Vhds "
            r"@(@{SourceFilePath='D:\VMs\VM2\Virtual Hard Disks\VM2.vhdx'; DestinationFilePath='C:\Disks\VM2.vhdx'})")
    vm = lab.snapshot().vm("VM2")
    assert (vm.Path, vm.SnapshotFileLocation, vm.HardDrives[0].Path) == ("D:\\Cfg", "D:\\Snap", "C:\\Disks\\VM2.vhdx")


def test_move_vmstorage_as_job():
    lab = backend()
    started = lab.run(r"$j = Move-VMStorage -VMName VM2 -DestinationStoragePath D:\Moved\VM2 -AsJob; $j.State")
    assert started.output == ["Running"]
    assert lab.snapshot().vm("VM2").Path == "D:\\VMs\\VM2"
    lab.run("$j | Wait-Job")
    assert lab.snapshot().vm("VM2").Path == "D:\\Moved\\VM2"


def test_move_vmstorage_to_a_missing_volume():
    result = backend().run(r"Move-VMStorage VM2 -VirtualMachinePath E:\VM2")
    assert_error(result, "Move-VMStorage : The system cannot find the path specified. ('E:\\VM2' on host \"HV1\")",
                 "ObjectNotFound: (E:\\VM2:String) [Move-VMStorage], VirtualizationOperationFailedException",
                 "ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.MoveVMStorageCommand", "storage.path_not_found")


def test_move_vmstorage_name_parameter_is_vmname():
    result = backend().run(r"Move-VMStorage -Name VM2 -DestinationStoragePath D:\X")
    assert result.errors[0].render().splitlines()[0] == (
        "Move-VMStorage : A parameter cannot be found that matches parameter name 'Name'.")


# ------------------------------------------------------------------------------------------- Export / Import
def test_export_vm_with_passthru_writes_the_folders():
    lab = backend("mixed-cpu")
    result = lab.run(r"Export-VM VM1 \\FS1\Exports -Passthru; Test-Path '\\FS1\Exports\VM1\Virtual Hard Disks'")
    assert result.output[0]["Name"] == "VM1" and result.output[1] is True


def test_export_vm_twice():
    lab = backend("mixed-cpu")
    result = lab.run(r"Get-VM VM1 | Export-VM -Path \\FS1\Exports; Export-VM VM1 \\FS1\Exports")
    assert_error(result, "Export-VM : Failed to export virtual machine \"VM1\": the folder '\\\\FS1\\Exports\\VM1' "
                         "already exists.",
                 "NotSpecified: (VM1:String) [Export-VM], VirtualizationOperationFailedException",
                 "OperationFailed,Microsoft.HyperV.PowerShell.Commands.ExportVMCommand", "export.exists")


def test_import_vm_copy_with_new_id_on_an_amd_host():
    lab = backend("mixed-cpu")
    lab.run(r"Export-VM VM1 \\FS1\Exports")
    result = lab.run(f'Import-VM "{EXPORTED}" -Copy -GenerateNewId -VhdDestinationPath D:\\VMs\\VM1 '
                     r"-VirtualMachinePath D:\VMs\VM1", host="HV3")
    assert [(vm["Name"], vm["ComputerName"], vm["State"]) for vm in result.output] == [("VM1", "HV3", "Off")]
    copies = [v for v in lab.snapshot().VMs if v.Name == "VM1"]
    assert sorted(v.ComputerName for v in copies) == ["HV1", "HV3"]
    assert len({v.Id for v in copies}) == 2


def test_import_vm_register_in_place_keeps_the_id():
    lab = backend("mixed-cpu")
    lab.run(r"Export-VM VM1 \\FS1\Exports")
    original = lab.snapshot().vm("VM1").Id
    result = lab.run(f'Import-VM -Path "{EXPORTED}" -Register', host="HV3")
    assert result.output[0]["Id"] == original and result.output[0]["ComputerName"] == "HV3"


def test_import_vm_generate_new_id_needs_copy():
    lab = backend("mixed-cpu")
    result = lab.run(f'Import-VM "{EXPORTED}" -GenerateNewId')
    assert result.errors[0].render().splitlines()[0] == (
        "Import-VM : Cannot process command because of one or more missing mandatory parameters: Copy.")


def test_import_vm_missing_switch_then_repair_with_compare_vm():
    lab = backend("mixed-cpu")
    lab.run(r"Export-VM VM1 \\FS1\Exports")
    lab.run("Rename-VMSwitch External Public", host="HV3")
    failed = lab.run(f'Import-VM "{EXPORTED}" -Copy -GenerateNewId', host="HV3")
    assert failed.output == []
    assert failed.errors[0].render().splitlines()[0] == (
        "Import-VM : Unable to import virtual machine due to configuration errors.  Please use Compare-VM to "
        "repair the virtual machine.")
    assert failed.errors[0].lab_error.id == "import.configuration_errors"
    script = (f'$r = Compare-VM -Path "{EXPORTED}" -Copy -GenerateNewId; '
              "$r.Incompatibilities[0].Source | Connect-VMNetworkAdapter -SwitchName Public; "
              "Compare-VM -CompatibilityReport $r | Out-Null; Import-VM -CompatibilityReport $r")
    imported = lab.run(script, host="HV3")
    assert [(vm["Name"], vm["ComputerName"]) for vm in imported.output] == [("VM1", "HV3")]
    on_hv3 = [v for v in lab.snapshot().VMs if v.ComputerName == "HV3" and v.Name == "VM1"]
    assert on_hv3[0].NetworkAdapters[0].SwitchName == "Public"


def test_import_vm_configuration_errors_category_and_id_as_windows_prints_them():
    lab = backend("mixed-cpu")
    lab.run(r"Export-VM VM1 \\FS1\Exports")
    lab.run("Rename-VMSwitch External Public", host="HV3")
    record = lab.run(f'Import-VM "{EXPORTED}"', host="HV3").errors[0]
    assert record.category_info == "NotSpecified: (:) [Import-VM], VirtualizationOperationFailedException"
    assert record.fqid == "Microsoft.HyperV.PowerShell.Commands.ImportVMCommand"


def test_compare_vm_register_set_report_for_an_import():
    lab = backend("mixed-cpu")
    lab.run(r"Export-VM VM1 \\FS1\Exports")
    report = lab.run(f'Compare-VM -Path "{EXPORTED}"', host="HV3").output[0]
    assert (report["OperationType"], report["Destination"], report["Incompatibilities"]) == (
        "ImportVirtualMachine", "HV3", [])


def test_import_vm_as_job():
    lab = backend("mixed-cpu")
    lab.run(r"Export-VM VM1 \\FS1\Exports")
    result = lab.run(f'Import-VM "{EXPORTED}" -Copy -GenerateNewId -AsJob | Wait-Job | Receive-Job', host="HV3")
    assert [(vm["Name"], vm["ComputerName"]) for vm in result.output] == [("VM1", "HV3")]


def test_compare_vm_as_job_receives_the_report():
    lab = backend()
    result = lab.run(f"Compare-VM VM1 HV2 {MOVE_ALL} -AsJob | Wait-Job | Receive-Job")
    assert [(r["OperationType"], r["Incompatibilities"]) for r in result.output] == [("MoveVirtualMachine", [])]


def test_move_vm_name_from_the_pipeline_by_value():
    lab = backend()
    lab.run(f"'VM1' | Move-VM -DestinationHost HV2 {MOVE_ALL}")
    assert lab.snapshot().vm("VM1").ComputerName == "HV2"


def test_export_vm_as_job():
    lab = backend("mixed-cpu")
    started = lab.run(r"$j = Export-VM VM1 \\FS1\Exports -AsJob; $j.State; Test-Path \\FS1\Exports\VM1")
    assert started.output == ["Running", False]
    assert lab.run(r"$j | Wait-Job | Out-Null; Test-Path \\FS1\Exports\VM1").output == [True]


def test_compare_vm_copy_set_reports_a_copy_with_its_vhd_destination():
    lab = backend("mixed-cpu")
    lab.run(r"Export-VM VM1 \\FS1\Exports")
    report = lab.run(f'Compare-VM "{EXPORTED}" D:\\VMs\\Copy -Copy -GenerateNewId', host="HV3").output[0]
    assert (report["OperationType"], report["VhdDestinationPath"], report["Destination"]) == (
        "CopyVirtualMachine", "D:\\VMs\\Copy", "HV3")
    assert lab.snapshot().VMs == backend("mixed-cpu").snapshot().VMs
