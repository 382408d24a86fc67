"""Export-VM, Import-VM (register, copy, copy with new id), Compare-VM for imports, the Intel ↔ AMD path."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from tests.hyperv.conftest import ON_HV1, build, pair_data

ON_HV2 = ON_HV1.__class__("HV2", interactive=True)


def exported_config(lab, vm="VM3", folder="\\\\FS1\\VMs\\Export"):
    vm_id = lab.snapshot().vm(vm).Id
    return f"{folder}\\{vm}\\Virtual Machines\\{vm_id}.xml"


def test_export_off_vm_creates_folders(pair):
    job = pair.export_vm("VM3", "D:\\Export", caller=ON_HV1)
    assert job.kind == "export" and job.state == "Completed"
    vm_id = pair.snapshot().vm("VM3").Id
    keys = set(pair.world.files)
    assert f"host:hv1|d:\\export\\vm3\\virtual machines\\{vm_id.lower()}.xml" in keys
    assert "host:hv1|d:\\export\\vm3\\virtual hard disks\\vm3.vhdx" in keys
    assert any(k.startswith("host:hv1|d:\\export\\vm3\\snapshots\\") for k in keys)


def test_running_export_allowed_on_2012r2(pair):
    assert pair.export_vm("VM1", "D:\\Export", caller=ON_HV1).state == "Completed"
    assert pair.snapshot().vm("VM1").State == "Running"


def test_running_export_refused_on_2012():
    data = pair_data()
    data["hosts"][0]["os"] = "WindowsServer2012"
    lab = build(data)
    with pytest.raises(LabError) as e:
        lab.export_vm("VM1", "D:\\Export", caller=ON_HV1)
    assert e.value.id == "export.running"
    assert e.value.message == ('Cannot export virtual machine "VM1" while it is running on host "HV1": Windows '
                               "Server 2012 exports only virtual machines that are off or saved.")


def test_off_export_allowed_on_2012():
    data = pair_data()
    data["hosts"][0]["os"] = "WindowsServer2012"
    lab = build(data)
    assert lab.export_vm("VM3", "D:\\Export", caller=ON_HV1).state == "Completed"


def test_export_twice_to_same_folder_refused(pair):
    pair.export_vm("VM3", "D:\\Export", caller=ON_HV1)
    with pytest.raises(LabError) as e:
        pair.export_vm("VM3", "D:\\Export", caller=ON_HV1)
    assert (e.value.id, e.value.message) == ("export.exists", 'Failed to export virtual machine "VM3": the folder '
                                             "'D:\\Export\\VM3' already exists.")


def test_import_register_in_place_keeps_id(pair):
    pair.export_vm("VM3", "\\\\FS1\\VMs\\Export", caller=ON_HV1)
    original = pair.snapshot().vm("VM3").Id
    job = pair.import_vm(exported_config(pair), register=True, caller=ON_HV2)
    imported = [v for v in pair.snapshot().VMs if v.ComputerName == "HV2"][0]
    assert job.kind == "import" and imported.Id == original and imported.Path == "\\\\FS1\\VMs\\Export\\VM3"


def test_import_copy_places_files_in_host_defaults(pair):
    pair.export_vm("VM3", "\\\\FS1\\VMs\\Export", caller=ON_HV1)
    pair.import_vm(exported_config(pair), copy=True, caller=ON_HV2)
    vm = [v for v in pair.snapshot().VMs if v.ComputerName == "HV2"][0]
    host = pair.snapshot().host("HV2")
    assert vm.Path == host.VirtualMachinePath
    assert vm.HardDrives[0].Path == host.VirtualHardDiskPath + "\\VM3.vhdx"


def test_import_copy_to_chosen_paths(pair):
    pair.export_vm("VM3", "\\\\FS1\\VMs\\Export", caller=ON_HV1)
    pair.import_vm(exported_config(pair), copy=True, virtual_machine_path="D:\\VMs\\VM3",
                   vhd_destination_path="D:\\VMs\\VM3\\Disks", caller=ON_HV2)
    vm = [v for v in pair.snapshot().VMs if v.ComputerName == "HV2"][0]
    assert (vm.Path, vm.HardDrives[0].Path) == ("D:\\VMs\\VM3", "D:\\VMs\\VM3\\Disks\\VM3.vhdx")
    assert "host:hv2|d:\\vms\\vm3\\disks\\vm3.vhdx" in pair.world.files


def test_import_with_same_id_on_same_host_refused(pair):
    pair.export_vm("VM3", "D:\\Export", caller=ON_HV1)
    vm_id = pair.snapshot().vm("VM3").Id
    with pytest.raises(LabError) as e:
        pair.import_vm(f"D:\\Export\\VM3\\Virtual Machines\\{vm_id}.xml", copy=True, caller=ON_HV1)
    assert e.value.id == "import.id_exists"
    assert e.value.message == (f'Failed to import virtual machine: a virtual machine with identifier {vm_id} '
                               'already exists on host "HV1". Import a copy with a new identifier '
                               "(-Copy -GenerateNewId).")


def test_import_copy_with_new_id_on_same_host(pair):
    pair.export_vm("VM3", "D:\\Export", caller=ON_HV1)
    vm_id = pair.snapshot().vm("VM3").Id
    pair.import_vm(f"D:\\Export\\VM3\\Virtual Machines\\{vm_id}.xml", copy=True, generate_new_id=True,
                   virtual_machine_path="C:\\Copy", vhd_destination_path="C:\\Copy", caller=ON_HV1)
    ids = [v.Id for v in pair.snapshot().VMs if v.Name == "VM3"]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_generate_new_id_needs_copy(pair):
    pair.export_vm("VM3", "D:\\Export", caller=ON_HV1)
    with pytest.raises(LabError) as e:
        pair.import_vm(exported_config(pair, folder="D:\\Export"), register=True, generate_new_id=True,
                       caller=ON_HV1)
    assert (e.value.id, e.value.message) == ("import.new_id_needs_copy", "-GenerateNewId can be used only with -Copy.")


def test_import_of_missing_file(pair):
    with pytest.raises(LabError) as e:
        pair.import_vm("D:\\Nothing\\x.xml", register=True, caller=ON_HV1)
    assert e.value.id == "storage.path_not_found"


def test_import_of_a_non_configuration_file(pair):
    with pytest.raises(LabError) as e:
        pair.import_vm("D:\\VMs\\VM3\\VM3.vhdx", register=True, caller=ON_HV1)
    assert e.value.id == "import.not_a_configuration"
    assert e.value.message == "'D:\\VMs\\VM3\\VM3.vhdx' on host \"HV1\" is not a virtual machine configuration file."


def test_import_missing_switch_fails_then_fixed_with_report(pair):
    pair.export_vm("VM3", "\\\\FS1\\VMs\\Export", caller=ON_HV1)
    pair.rename_switch("External", "Production", computer_name="HV2")
    with pytest.raises(LabError) as e:
        pair.import_vm(exported_config(pair), copy=True, caller=ON_HV2)
    assert e.value.id == "import.configuration_errors"
    assert e.value.message == ("Unable to import virtual machine due to configuration errors.  Please use "
                               "Compare-VM to repair the virtual machine.")
    # Windows prints "NotSpecified: (:) [Import-VM], …" and the command class alone as FullyQualifiedErrorId.
    assert (e.value.error_code, e.value.target) == ("", "")
    report = pair.compare_vm(path=exported_config(pair), copy=True, caller=ON_HV2)
    assert report.to_dict()["Incompatibilities"][0] == {
        "Message": "Could not find Ethernet switch 'External'.", "MessageId": 33012, "Source": "Network Adapter"}
    pair.connect_adapter(adapter=report.incompatibilities[0].source, switch_name="Production")
    assert pair.compare_vm(compatibility_report=report).incompatibilities == []
    pair.import_vm(compatibility_report=report, caller=ON_HV2)
    vm = [v for v in pair.snapshot().VMs if v.ComputerName == "HV2"][0]
    assert vm.NetworkAdapters[0].SwitchName == "Production"


def test_export_import_is_the_intel_to_amd_path(pair):
    pair.inject(kind="cpu_vendor", host="HV2", vendor="AMD")
    with pytest.raises(LabError):
        pair.move_vm("VM3", "HV2", include_storage=True, destination_storage_path="D:\\VMs\\VM3", caller=ON_HV1)
    pair.export_vm("VM3", "\\\\FS1\\VMs\\Export", caller=ON_HV1)
    pair.import_vm(exported_config(pair), copy=True, caller=ON_HV2)
    vm = [v for v in pair.world.vms if v.host == "HV2"][0]
    assert vm.processor_features == pair.world.host("HV2").cpu_features
    pair.start_vm(vm.name, "HV2", caller=ON_HV2)


def test_import_job_names_the_vm_it_created(pair):
    pair.export_vm("VM3", "\\\\FS1\\VMs\\Export", caller=ON_HV1)
    job = pair.import_vm(exported_config(pair), copy=True, generate_new_id=True, caller=ON_HV1)
    created = pair.get_vm_by_id(job.result_vm_id, job.destination)
    assert created.name == "VM3" and created.id != pair.world.vm("VM3", "HV1").id
    assert created is pair.world.vms[-1]


def test_import_job_has_no_vm_before_it_completes(pair):
    pair.export_vm("VM3", "\\\\FS1\\VMs\\Export", caller=ON_HV1)
    job = pair.import_vm(exported_config(pair), copy=True, generate_new_id=True, as_job=True, caller=ON_HV1)
    assert job.result_vm_id is None
    pair.wait(job)
    assert job.result_vm_id is not None
