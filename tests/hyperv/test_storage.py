"""Move-VMStorage: running VMs keep running; all-in-one, per item, chosen VHDs, CSV targets; pass-through refused."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from engine.hyperv import timing
from tests.hyperv.conftest import ON_HV1, build, pair_data

SRC = "D:\\VMs\\VM1\\Virtual Hard Disks\\VM1.vhdx"


def test_move_all_to_one_folder_while_running(pair):
    job = pair.move_vm_storage("VM1", "C:\\Moved\\VM1", caller=ON_HV1)
    vm = pair.snapshot().vm("VM1")
    assert (job.kind, job.downtime_s, vm.State, vm.ComputerName) == ("storage", 0.0, "Running", "HV1")
    assert (vm.Path, vm.HardDrives[0].Path) == ("C:\\Moved\\VM1", "C:\\Moved\\VM1\\VM1.vhdx")
    assert "host:hv1|c:\\moved\\vm1\\vm1.vhdx" in pair.world.files
    assert "host:hv1|" + SRC.lower() not in pair.world.files


def test_storage_job_time_follows_model(pair):
    job = pair.move_vm_storage("VM1", "C:\\Moved\\VM1", caller=ON_HV1)
    est = timing.estimate("storage", memory_mb=4096, disk_gb=12.0, storage_mb_s=400.0)
    assert job.total_s == pytest.approx(est.total_s)


def test_move_chosen_items_incl_checkpoints_and_smart_paging(pair):
    pair.move_vm_storage("VM3", virtual_machine_path="C:\\Cfg", snapshot_file_path="C:\\Snaps",
                         smart_paging_file_path="C:\\Paging", caller=ON_HV1)
    vm = pair.snapshot().vm("VM3")
    assert (vm.Path, vm.SnapshotFileLocation, vm.SmartPagingFilePath, vm.Checkpoints[0].Path) == (
        "C:\\Cfg", "C:\\Snaps", "C:\\Paging", "C:\\Snaps")
    assert vm.HardDrives[0].Path == "D:\\VMs\\VM3\\VM3.vhdx"  # VHDs not chosen stay


def test_move_only_chosen_vhds(pair):
    pair.move_vm_storage("VM1", vhds=[{"SourceFilePath": SRC, "DestinationFilePath": "C:\\Disks\\VM1.vhdx"}],
                         caller=ON_HV1)
    vm = pair.snapshot().vm("VM1")
    assert (vm.Path, vm.HardDrives[0].Path) == ("D:\\VMs\\VM1", "C:\\Disks\\VM1.vhdx")


def test_unknown_vhd_refused(pair):
    with pytest.raises(LabError) as e:
        pair.move_vm_storage("VM1", vhds=[{"SourceFilePath": "D:\\x.vhdx", "DestinationFilePath": "C:\\x.vhdx"}],
                             caller=ON_HV1)
    assert (e.value.id, e.value.message) == ("storage.vhd_not_attached",
                                             'Virtual machine "VM1" has no virtual hard disk "D:\\x.vhdx".')


def test_move_to_smb_share_the_host_may_use(pair):
    pair.move_vm_storage("VM1", "\\\\FS1\\VMs\\VM1", caller=ON_HV1)
    assert "smb|\\\\fs1\\vms\\vm1\\vm1.vhdx" in pair.world.files


def test_move_to_share_without_access_refused(pair):
    pair.inject(kind="share_access_removed", host="HV1", share="\\\\FS1\\VMs")
    with pytest.raises(LabError) as e:
        pair.move_vm_storage("VM1", "\\\\FS1\\VMs\\VM1", caller=ON_HV1)
    assert e.value.id == "storage.access_denied"
    assert e.value.message == ('Host "HV1" cannot access \'\\\\FS1\\VMs\\VM1\': General access denied error '
                               "(0x80070005).")


def test_move_to_missing_volume_refused(pair):
    with pytest.raises(LabError) as e:
        pair.move_vm_storage("VM1", "E:\\VMs", caller=ON_HV1)
    assert e.value.id == "storage.path_not_found"
    assert e.value.message == "The system cannot find the path specified. ('E:\\VMs' on host \"HV1\")"


def test_move_onto_csv():
    data = {
        "name": "csv", "domains": [{"name": "contoso.com"}],
        "hosts": [{"name": "HV1", "domain": "contoso.com", "volumes": ["C:", "D:"],
                   "nics": [{"name": "LM", "ip": "10.0.1.11/24"}]},
                  {"name": "HV2", "domain": "contoso.com", "nics": [{"name": "LM", "ip": "10.0.1.12/24"}]}],
        "clusters": [{"name": "CLU1", "nodes": ["HV1", "HV2"], "shared_volumes": ["C:\\ClusterStorage\\Volume1"]}],
        "vms": [{"name": "VM1", "host": "HV1", "state": "Running", "path": "D:\\VMs\\VM1", "cluster": "CLU1",
                 "vhds": [{"path": "D:\\VMs\\VM1\\VM1.vhdx", "size_gb": 30}]}],
    }
    lab = build(data)
    lab.move_vm_storage("VM1", "C:\\ClusterStorage\\Volume1\\VM1", computer_name="HV1")
    assert "csv:clu1|c:\\clusterstorage\\volume1\\vm1\\vm1.vhdx" in lab.world.files
    # On the CSV both nodes see the files, so a clustered live migration needs no storage move.
    assert lab.move_cluster_vm_role("VM1", "HV2").kind == "live"


def test_csv_of_a_cluster_the_host_is_not_in_is_unreachable():
    data = pair_data()
    data["clusters"] = [{"name": "CLU9", "nodes": ["FS1"], "shared_volumes": ["C:\\ClusterStorage\\Volume1"]}]
    lab = build(data)
    with pytest.raises(LabError) as e:
        lab.move_vm_storage("VM1", "C:\\ClusterStorage\\Volume1\\VM1", caller=ON_HV1)
    assert e.value.id == "storage.path_not_found"


def test_passthrough_disk_refused():
    data = pair_data()
    data["vms"][0]["vhds"].append({"path": "PhysicalDisk2", "passthrough": True})
    lab = build(data)
    with pytest.raises(LabError) as e:
        lab.move_vm_storage("VM1", "C:\\Moved", caller=ON_HV1)
    assert e.value.id == "storage.passthrough"
    assert e.value.message == ('Virtual machine "VM1" uses a physical (pass-through) disk, which cannot be moved; '
                               "only virtual hard disks can be migrated.")


def test_storage_limit_reached(pair):
    pair.set_host("HV1", maximum_storage_migrations=1)
    pair.move_vm_storage("VM1", "C:\\Moved\\VM1", as_job=True, caller=ON_HV1)
    with pytest.raises(LabError) as e:
        pair.move_vm_storage("VM3", "C:\\Moved\\VM3", as_job=True, caller=ON_HV1)
    assert e.value.id == "storage.limit_reached"
    assert e.value.message == ('Failed to perform storage migration on virtual machine "VM3" because storage '
                               'migration limit "1" was reached, please wait for completion of an ongoing migration '
                               "operation.")


def test_vm_busy_refused(pair):
    pair.move_vm_storage("VM1", "C:\\Moved\\VM1", as_job=True, caller=ON_HV1)
    with pytest.raises(LabError) as e:
        pair.move_vm_storage("VM1", "C:\\Again", as_job=True, caller=ON_HV1)
    assert (e.value.id, e.value.message) == ("vm.busy",
                                             'Virtual machine "VM1" is already being moved by another operation.')


def test_files_really_move_between_hosts(pair):
    assert pair.test_path("D:\\VMs\\VM1", "HV1") and not pair.test_path("D:\\VMs\\VM1", "HV2")
    pair.move_vm("VM1", "HV2", include_storage=True, destination_storage_path="D:\\VMs\\VM1", caller=ON_HV1)
    assert not pair.test_path(SRC, "HV1")
    assert [f.path for f in pair.list_files("D:\\VMs\\VM1", "HV2")][-1] == "D:\\VMs\\VM1\\VM1.vhdx"
    assert pair.list_files("D:\\VMs\\VM1", "HV2")[-1].size_gb == 12


def test_share_paths_visible_only_with_access(pair):
    assert pair.test_path("\\\\FS1\\VMs\\VM2\\VM2.vhdx", "HV2")
    pair.inject(kind="share_access_removed", host="HV2", share="\\\\FS1\\VMs")
    assert not pair.test_path("\\\\FS1\\VMs\\VM2\\VM2.vhdx", "HV2")
