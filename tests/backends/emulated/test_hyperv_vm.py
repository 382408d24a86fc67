"""VM cmdlets typed as an administrator would: Get-VM, power cmdlets, processors, disks, checkpoints."""
from __future__ import annotations

from tests.backends.emulated.test_hyperv_objects import assert_error, backend


def test_get_vm_lists_the_vms_of_the_console_host():
    assert [vm["Name"] for vm in backend().run("Get-VM").output] == ["VM1", "VM2"]


def test_get_vm_vmname_alias_and_position():
    lab = backend()
    assert lab.run("Get-VM -VMName VM2").output[0]["Name"] == "VM2"
    assert lab.run("Get-VM VM2").output[0]["Name"] == "VM2"


def test_get_vm_wildcard_on_several_computers():
    lab = backend("mixed-cpu")
    result = lab.run("Get-VM VM* -ComputerName HV1, HV2, HV3")
    assert sorted((vm["Name"], vm["ComputerName"]) for vm in result.output) == sorted(
        (v.Name, v.ComputerName) for v in lab.snapshot().VMs)


def test_get_vm_wildcard_without_match_is_silent():
    result = backend().run("Get-VM Web*")
    assert result.output == [] and not result.had_errors


def test_get_vm_by_id():
    lab = backend()
    vm_id = lab.snapshot().vm("VM2").Id
    assert [vm["Name"] for vm in lab.run(f"Get-VM -Id {vm_id}").output] == ["VM2"]


def test_get_vm_unknown_name():
    result = backend().run("Get-VM VM9")
    assert_error(result, 'Get-VM : Hyper-V was unable to find a virtual machine with name "VM9".',
                 "InvalidArgument: (VM9:String) [Get-VM], VirtualizationInvalidArgumentException",
                 "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVMCommand", "vm.not_found")


def test_get_vm_from_a_workstation_needs_computer_name():
    lab = backend()
    assert [vm["Name"] for vm in lab.run("Get-VM -ComputerName HV1", host="remote").output] == ["VM1", "VM2"]


def test_stop_vm_by_pipeline_with_passthru():
    lab = backend()
    result = lab.run("Get-VM VM1 | Stop-VM -Force -Passthru")
    assert result.output[0]["State"] == "Off" and result.output[0]["MemoryAssigned"] == 0
    assert lab.snapshot().vm("VM1").State == "Off"


def test_stop_vm_turnoff():
    lab = backend()
    lab.run("Stop-VM VM1 -TurnOff")
    assert lab.snapshot().vm("VM1").State == "Off"


def test_stop_vm_save():
    lab = backend()
    lab.run("Stop-VM -Name VM1 -Save")
    assert lab.snapshot().vm("VM1").State == "Saved"


def test_save_start_suspend_resume_cycle():
    lab = backend()
    states = []
    for command in ("Save-VM VM1", "Start-VM VM1", "Suspend-VM VM1", "Resume-VM VM1"):
        assert not lab.run(command).had_errors, command
        states.append(lab.snapshot().vm("VM1").State)
    assert states == ["Saved", "Running", "Paused", "Running"]


def test_start_vm_several_names():
    lab = backend()
    lab.run("Stop-VM VM1, VM2 -Force")
    lab.run("Start-VM VM1, VM2")
    assert [v.State for v in lab.snapshot().VMs] == ["Running", "Running"]


def test_stop_vm_that_is_off():
    lab = backend()
    lab.run("Stop-VM VM1 -TurnOff")
    result = lab.run("Stop-VM VM1")
    assert_error(result, "Stop-VM : 'VM1' failed to change state. The operation cannot be performed while the "
                         "object is in its current state. (Cannot stop a virtual machine that is off.)",
                 "InvalidOperation: (VM1:String) [Stop-VM], VirtualizationOperationFailedException",
                 "InvalidState,Microsoft.HyperV.PowerShell.Commands.StopVMCommand", "vm.invalid_state")


def test_start_vm_whatif_changes_nothing():
    lab = backend()
    lab.run("Stop-VM VM1 -TurnOff")
    result = lab.run("Start-VM VM1 -WhatIf")
    assert result.text.startswith('What if: Performing operation "Start-VM" on Target "VM1".')
    assert lab.snapshot().vm("VM1").State == "Off"


def test_get_vmprocessor():
    result = backend().run("Get-VMProcessor VM1")
    processor = result.output[0]
    assert processor.type_names[0] == "Microsoft.HyperV.PowerShell.VMProcessor"
    assert (processor["VMName"], processor["Count"], processor["CompatibilityForMigrationEnabled"]) == ("VM1", 1, False)


def test_set_vmprocessor_by_name_when_off():
    lab = backend()
    lab.run("Stop-VM VM1 -TurnOff")
    result = lab.run("Set-VMProcessor -VMName VM1 -CompatibilityForMigrationEnabled $true "
                     "-CompatibilityForOlderOperatingSystemsEnabled $true -Count 2 -Passthru")
    assert result.output[0]["CompatibilityForMigrationEnabled"] is True
    processor = lab.snapshot().vm("VM1").Processor
    assert (processor.CompatibilityForMigrationEnabled, processor.CompatibilityForOlderOperatingSystemsEnabled,
            processor.Count) == (True, True, 2)


def test_set_vmprocessor_vm_set_from_pipeline():
    lab = backend()
    lab.run("Stop-VM VM2 -TurnOff")
    lab.run("Get-VM VM2 | Set-VMProcessor -CompatibilityForMigrationEnabled $true")
    assert lab.snapshot().vm("VM2").Processor.CompatibilityForMigrationEnabled


def test_set_vmprocessor_vmprocessor_set_from_pipeline():
    lab = backend()
    lab.run("Stop-VM VM2 -TurnOff")
    lab.run("Get-VMProcessor VM2 | Set-VMProcessor -Count 4")
    assert lab.snapshot().vm("VM2").Processor.Count == 4


def test_set_vmprocessor_while_running():
    lab = backend()
    result = lab.run("Set-VMProcessor VM1 -CompatibilityForMigrationEnabled $true")
    assert_error(result, 'Set-VMProcessor : Cannot change the processor settings of virtual machine "VM1" while it '
                         "is running. Turn off the virtual machine first.",
                 "InvalidOperation: (VM1:String) [Set-VMProcessor], VirtualizationOperationFailedException",
                 "InvalidState,Microsoft.HyperV.PowerShell.Commands.SetVMProcessorCommand", "vm.processor_running")
    assert not lab.snapshot().vm("VM1").Processor.CompatibilityForMigrationEnabled


def test_get_vmharddiskdrive_matches_labstate():
    lab = backend()
    disk = lab.run("Get-VM VM1 | Get-VMHardDiskDrive").output[0]
    state = lab.snapshot().vm("VM1").HardDrives[0]
    assert (disk["Path"], disk["ControllerType"], disk["ControllerNumber"], disk["ControllerLocation"]) == (
        state.Path, state.ControllerType, state.ControllerNumber, state.ControllerLocation)


def test_get_vmharddiskdrive_filter_by_controller_type():
    lab = backend()
    assert lab.run("Get-VMHardDiskDrive VM1 -ControllerType IDE").output == []
    assert len(lab.run("Get-VMHardDiskDrive VM1 -ControllerType SCSI").output) == 1


def test_get_vmsnapshot_of_a_vm_without_checkpoints():
    result = backend().run("Get-VMSnapshot VM1")
    assert result.output == [] and not result.had_errors


def test_get_vmsnapshot_lists_checkpoints_from_the_pipeline_with_a_name_filter():
    lab = backend("storage-pair")
    result = lab.run("Get-VM VM5 | Get-VMSnapshot -Name Base*")
    assert [(s["VMName"], s["Name"], s["Path"]) for s in result.output] == [
        (c_vm, c.Name, c.Path) for c_vm in ["VM5"] for c in lab.snapshot().vm("VM5").Checkpoints]
    assert result.output[0].type_names[0] == "Microsoft.HyperV.PowerShell.VMSnapshot"


def test_stop_vm_as_job_is_finished_and_receives_the_vm():
    lab = backend()
    result = lab.run("$j = Stop-VM VM1 -AsJob -Passthru; $j.State; Receive-Job $j | ForEach-Object State")
    assert result.output == ["Completed", "Off"]
    assert lab.snapshot().vm("VM1").State == "Off"


def test_start_vm_as_job_failure_is_received_as_the_cmdlets_error():
    lab = backend()
    started = lab.run("$j = Start-VM VM1 -AsJob; $j.State")
    assert started.output == ["Failed"] and not started.had_errors
    received = lab.run("Receive-Job $j")
    assert received.errors[0].lab_error.id == "vm.invalid_state"
    assert received.errors[0].fqid == "InvalidState,Microsoft.HyperV.PowerShell.Commands.StartVMCommand"


def test_get_vm_by_id_that_matches_nothing():
    result = backend().run("Get-VM -Id 00000000-0000-0000-0000-000000000000")
    assert_error(result, 'Get-VM : Hyper-V was unable to find a virtual machine with id '
                         '"00000000-0000-0000-0000-000000000000".',
                 "InvalidArgument: (00000000-0000-0000-0000-000000000000:String) [Get-VM], "
                 "VirtualizationInvalidArgumentException",
                 "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVMCommand", "vm.id_not_found")


def test_get_vm_by_id_on_another_computer():
    lab = backend()
    vm_id = lab.snapshot().vm("VM2").Id
    assert [vm["Name"] for vm in lab.run(f"Get-VM -Id '{{{vm_id}}}' -ComputerName HV1", host="remote").output] == [
        "VM2"]
    assert lab.run(f"Get-VM -Id {vm_id} -ComputerName HV2").errors[0].lab_error.id == "vm.id_not_found"


def test_remove_vm_after_turning_it_off():
    lab = backend()
    result = lab.run("Stop-VM VM2 -TurnOff; Remove-VM VM2 -Force -Passthru")
    assert [vm["Name"] for vm in result.output] == ["VM2"] and not result.had_errors
    assert [vm.Name for vm in lab.snapshot().VMs] == ["VM1"]


def test_remove_vm_from_the_pipeline_on_another_computer():
    lab = backend()
    lab.run("Save-VM VM1")
    result = lab.run("Get-VM VM1 -ComputerName HV1 | Remove-VM -Force", host="HV2")
    assert not result.had_errors and [vm.Name for vm in lab.snapshot().VMs] == ["VM2"]


def test_remove_running_vm():
    result = backend().run("Remove-VM VM1 -Force")
    assert_error(result, "Remove-VM : 'VM1' failed to delete. The operation cannot be performed while the object is "
                         "in its current state. (Cannot remove a virtual machine that is running.)",
                 "InvalidOperation: (VM1:String) [Remove-VM], VirtualizationOperationFailedException",
                 "InvalidState,Microsoft.HyperV.PowerShell.Commands.RemoveVMCommand", "vm.remove_running")


def test_remove_vm_whatif_changes_nothing():
    lab = backend()
    lab.run("Stop-VM VM2")
    result = lab.run("Remove-VM VM2 -WhatIf")
    assert result.text.startswith('What if: Performing operation "Remove-VM" on Target "VM2".')
    assert len(lab.snapshot().VMs) == 2


def test_checkpoint_vm_with_a_name_and_passthru():
    lab = backend()
    result = lab.run("Checkpoint-VM -Name VM1 -SnapshotName 'Before patch' -Passthru")
    assert [(s["VMName"], s["Name"], s["Path"]) for s in result.output] == [("VM1", "Before patch", "D:\\VMs\\VM1")]
    assert [c.Name for c in lab.snapshot().vm("VM1").Checkpoints] == ["Before patch"]


def test_checkpoint_vm_from_the_pipeline_default_name():
    lab = backend()
    result = lab.run("Get-VM VM2 | Checkpoint-VM")
    assert result.output == [] and not result.had_errors
    assert [c.Name for c in lab.snapshot().vm("VM2").Checkpoints] == ["VM2 - (1/6/2014 - 9:00:00 AM)"]


def test_checkpoint_vm_name_taken():
    lab = backend()
    lab.run("Checkpoint-VM VM1 Base")
    result = lab.run("Checkpoint-VM VM1 Base")
    assert result.errors[0].lab_error.id == "checkpoint.name_exists"


def test_remove_vmsnapshot_by_name_and_from_the_pipeline():
    lab = backend()
    lab.run("Checkpoint-VM VM1 One; Checkpoint-VM VM1 Two; Checkpoint-VM VM1 Three")
    assert not lab.run("Remove-VMSnapshot -VMName VM1 -Name One").had_errors
    assert not lab.run("Get-VMSnapshot VM1 -Name T* | Remove-VMSnapshot").had_errors
    assert lab.snapshot().vm("VM1").Checkpoints == []


def test_remove_vmsnapshot_unknown_name():
    result = backend().run("Remove-VMSnapshot -VMName VM1 -Name Nope")
    assert_error(result, 'Remove-VMSnapshot : Hyper-V was unable to find a checkpoint with name "Nope" of virtual '
                         'machine "VM1".',
                 "ObjectNotFound: (Nope:String) [Remove-VMSnapshot], VirtualizationException",
                 "ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.RemoveVMSnapshotCommand", "checkpoint.not_found")
