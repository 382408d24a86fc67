"""Move-VM outside a cluster: every rule of a live / shared-nothing move, both outcomes."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from engine.hyperv import Caller, CompatibilityReport
from tests.hyperv.conftest import ON_HV1, REMOTE, build, pair_data, ready

AUTH = ("The Virtual Machine Management Service failed to authenticate the connection for a Virtual Machine "
        "migration at the source host: no suitable credentials available. Make sure the operation is initiated on "
        "the source host of the migration, or the source host is configured to use Kerberos for the "
        "authentication of migration connections and Constrained Delegation is enabled for the host in Active "
        "Directory.")
ALL_TO_D = {"include_storage": True, "destination_storage_path": "D:\\VMs\\VM1"}


def kerberos(lab, delegate: bool = True):
    lab.set_host("HV1", virtual_machine_migration_authentication_type="Kerberos")
    if delegate:
        lab.set_delegation("HV1", ["cifs/HV2", "Microsoft Virtual System Migration Service/HV2"])
    return lab


def test_shared_nothing_move_moves_vm_and_files(pair):
    job = pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    vm = pair.snapshot().vm("VM1")
    assert (job.kind, job.state, vm.ComputerName, vm.State) == ("shared-nothing", "Completed", "HV2", "Running")
    assert vm.HardDrives[0].Path == "D:\\VMs\\VM1\\VM1.vhdx"
    assert "host:hv2|d:\\vms\\vm1\\vm1.vhdx" in pair.world.files
    assert "host:hv1|d:\\vms\\vm1\\virtual hard disks\\vm1.vhdx" not in pair.world.files


def test_retain_vhd_copies_keeps_source_disk(pair):
    pair.move_vm("VM1", "HV2", **ALL_TO_D, retain_vhd_copies_on_source=True, caller=ON_HV1)
    assert "host:hv1|d:\\vms\\vm1\\virtual hard disks\\vm1.vhdx" in pair.world.files


def test_per_item_folders(pair):
    pair.move_vm("VM1", "HV2", virtual_machine_path="D:\\Config", snapshot_file_path="D:\\Snaps",
                 smart_paging_file_path="C:\\Paging",
                 vhds=[{"SourceFilePath": "D:\\VMs\\VM1\\Virtual Hard Disks\\VM1.vhdx",
                        "DestinationFilePath": "D:\\Disks\\VM1.vhdx"}], caller=ON_HV1)
    vm = pair.snapshot().vm("VM1")
    assert (vm.Path, vm.SnapshotFileLocation, vm.SmartPagingFilePath, vm.HardDrives[0].Path) == (
        "D:\\Config", "D:\\Snaps", "C:\\Paging", "D:\\Disks\\VM1.vhdx")


def test_vm_only_move_with_storage_on_smb_is_a_live_migration(pair):
    job = pair.move_vm("VM2", "HV2", caller=ON_HV1)
    assert (job.kind, pair.snapshot().vm("VM2").ComputerName) == ("live", "HV2")
    assert job.bytes_sent < 2 * 2**30  # memory only, never the 10 GB disk


def test_vm_only_move_with_local_storage_refused(pair):
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", caller=ON_HV1)
    assert e.value.id == "migration.storage_unreachable"
    assert e.value.message == ('Virtual machine "VM1" cannot move without its storage: host "HV2" cannot reach '
                               "'D:\\VMs\\VM1'. Move the storage too (-IncludeStorage) or keep it on an SMB share "
                               "or a CSV the destination can reach.")


def test_vm_only_move_refused_when_destination_lacks_share_access(pair):
    pair.world.smb_shares[0].allowed = ["HV1$"]
    with pytest.raises(LabError) as e:
        pair.move_vm("VM2", "HV2", caller=ON_HV1)
    assert e.value.id == "migration.storage_unreachable"


def test_source_must_be_enabled(pair):
    pair.disable_migration("HV1")
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.disabled_source"
    assert e.value.message == ('Virtual machine migration is not enabled on host "HV1". Enable incoming and '
                               "outgoing live migrations (Enable-VMMigration) on both hosts.")


def test_destination_must_be_enabled(pair):
    pair.disable_migration("HV2")
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.disabled_destination"
    assert e.value.message == ("The Virtual Machine Management Service failed to establish a connection for a "
                               'Virtual Machine migration with host "HV2": No connection could be made because the '
                               "target machine actively refused it. (0x8007274D).")
    assert e.value.hresult == "0x8007274D"


def test_untrusted_domains_refused():
    data = pair_data()
    data["domains"].append({"name": "fabrikam.com", "trusts": []})
    data["hosts"][1]["domain"] = "fabrikam.com"
    lab = ready(build(data))
    with pytest.raises(LabError) as e:
        lab.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.domain"
    assert e.value.message == ('Hosts "HV1" and "HV2" are not in the same domain or in domains that trust each '
                               "other; live migration outside a cluster needs both in one domain or trusted domains.")


def test_trusted_domains_allowed():
    data = pair_data()
    data["domains"] = [{"name": "contoso.com", "trusts": ["fabrikam.com"]}, {"name": "fabrikam.com"}]
    data["hosts"][1]["domain"] = "fabrikam.com"
    lab = ready(build(data))
    assert lab.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1).state == "Completed"


def test_workgroup_host_refused():
    data = pair_data()
    del data["hosts"][1]["domain"]
    lab = ready(build(data))
    with pytest.raises(LabError) as e:
        lab.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.domain"


@pytest.mark.parametrize("caller", [REMOTE, Caller("HV1", interactive=False), Caller("HV2", interactive=True)])
def test_credssp_needs_interactive_logon_on_source(pair, caller):
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", computer_name="HV1", **ALL_TO_D, caller=caller)
    assert e.value.id == "migration.credssp_remote"
    assert e.value.message == ("Virtual machine migration operation failed at migration Source.\n"
                               "Failed to establish a connection with host HV2: No credentials are available in the "
                               "security package (0x8009030E).\n" + AUTH)
    assert e.value.hresult == "0x8009030E"


def test_credssp_works_signed_in_on_source(pair):
    assert pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1).state == "Completed"


def test_kerberos_without_delegation_refused(pair):
    kerberos(pair, delegate=False)
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", computer_name="HV1", **ALL_TO_D, caller=REMOTE)
    assert e.value.id == "migration.kerberos_delegation"
    assert e.value.message == ('Failed to establish a connection with host "HV2": The credentials supplied to the '
                               "package were not recognized (0x8009030D).\n" + AUTH)


def test_kerberos_with_only_cifs_refused(pair):
    kerberos(pair, delegate=False)
    pair.set_delegation("HV1", ["cifs/HV2"])
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", computer_name="HV1", **ALL_TO_D, caller=REMOTE)
    assert e.value.id == "migration.kerberos_delegation"


def test_kerberos_with_delegation_works_remotely(pair):
    kerberos(pair)
    job = pair.move_vm("VM1", "HV2", computer_name="HV1", **ALL_TO_D, caller=REMOTE)
    assert job.state == "Completed"


def test_kerberos_accepts_fqdn_spns(pair):
    kerberos(pair, delegate=False)
    pair.set_delegation("HV1", ["cifs/HV2.contoso.com", "Microsoft Virtual System Migration Service/HV2.contoso.com"])
    assert pair.move_vm("VM1", "HV2", computer_name="HV1", **ALL_TO_D, caller=REMOTE).state == "Completed"


def test_destination_needs_a_migration_network(pair):
    pair.remove_migration_network("10.0.1.0/24", computer_name="HV2")
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.no_network"
    assert e.value.message == ("The Virtual Machine Management Service failed to establish a connection for a "
                               'Virtual Machine migration with host "HV2": none of its migration networks (none '
                               'configured) is reachable from "HV1".')


def test_migration_network_must_be_up(pair):
    pair.set_net_adapter_state("HV2", "LM", False)
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.no_network"


def test_use_any_network_accepts_without_list(pair):
    pair.remove_migration_network("10.0.1.0/24", computer_name="HV2")
    pair.set_host("HV2", use_any_network_for_migration=True)
    assert pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1).state == "Completed"


def test_priority_picks_the_preferred_network(pair):
    pair.set_migration_network("10.0.1.0/24", new_priority=5, computer_name="HV2")
    pair.add_migration_network("192.168.1.0/24", priority=1, computer_name="HV2")
    job = pair.move_vm("VM2", "HV2", caller=ON_HV1)
    assert job.link == "HV1/Mgmt" and job.timing["link_gbps"] == 1.0


def test_cpu_vendor_must_match(pair):
    pair.inject(kind="cpu_vendor", host="HV2", vendor="AMD")
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.cpu_vendor"
    assert e.value.message == (
        'Virtual machine "VM1" cannot move from host "HV1" (Intel) to host "HV2" (AMD): live and quick migration '
        "need processors of the same manufacturer, and processor compatibility mode does not bridge Intel and AMD. "
        "Export and import the VM instead.")


def test_compatibility_mode_does_not_bridge_vendors(pair):
    pair.stop_vm("VM1")
    pair.set_vm_processor("VM1", compatibility_for_migration_enabled=True)
    pair.start_vm("VM1")
    pair.inject(kind="cpu_vendor", host="HV2", vendor="AMD")
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.cpu_vendor"


def test_missing_processor_features_refused(pair):
    pair.world.host("HV2").cpu_features = ["sse4_2"]
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.processor_features"
    assert e.value.message == 'Virtual machine "VM1" is using processor-specific features not supported on host "HV2".'
    assert e.value.event_id == 21502


def test_missing_features_with_checkpoints_gives_hardware_text(pair):
    pair.world.host("HV2").cpu_features = ["sse4_2"]
    pair.start_vm("VM3")
    with pytest.raises(LabError) as e:
        pair.move_vm("VM3", "HV2", include_storage=True, destination_storage_path="D:\\VMs\\VM3", caller=ON_HV1)
    assert e.value.id == "migration.hardware_incompatible"
    assert e.value.message == ("The virtual machine cannot be moved to the destination computer. The hardware on "
                               "the destination computer is not compatible with the hardware requirements of this "
                               "virtual machine.")


def test_compatibility_mode_hides_newer_features(pair):
    pair.world.host("HV2").cpu_features = ["sse4_2"]
    pair.stop_vm("VM1")
    pair.set_vm_processor("VM1", compatibility_for_migration_enabled=True)
    pair.start_vm("VM1")
    assert pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1).state == "Completed"


def test_not_enough_memory_on_destination(pair):
    pair.inject(kind="memory_exhausted", host="HV2", free_mb=1024)
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.insufficient_memory"
    assert e.value.message == ("Failed to create partition: Insufficient system resources exist to complete the "
                               "requested service. (0x800705AA)")


def test_enough_memory_exactly(pair):
    pair.inject(kind="memory_exhausted", host="HV2", free_mb=4096)
    assert pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1).state == "Completed"


def test_switch_name_mismatch_raises_with_report(pair):
    pair.rename_switch("External", "Production", computer_name="HV2")
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.incompatible"
    assert e.value.message == ('Virtual machine "VM1" is not compatible with host "HV2": '
                               "Could not find Ethernet switch 'External'.")
    report = e.value.details["report"]
    assert isinstance(report, CompatibilityReport)
    assert report.to_dict()["Incompatibilities"] == [
        {"Message": "Could not find Ethernet switch 'External'.", "MessageId": 33012, "Source": "Network Adapter"}]


def test_compare_vm_report_fixed_by_reconnecting_then_moved(pair):
    pair.rename_switch("External", "Production", computer_name="HV2")
    report = pair.compare_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert [i.message_id for i in report.incompatibilities] == [33012]
    pair.connect_adapter(adapter=report.incompatibilities[0].source, switch_name="Production")
    assert pair.compare_vm(compatibility_report=report).incompatibilities == []
    assert pair.snapshot().vm("VM1").NetworkAdapters[0].SwitchName == "External"  # the real VM is untouched
    job = pair.move_vm(compatibility_report=report, caller=ON_HV1)
    vm = pair.snapshot().vm("VM1")
    assert (job.state, vm.ComputerName, vm.NetworkAdapters[0].SwitchName) == ("Completed", "HV2", "Production")


def test_report_fixed_by_disconnecting(pair):
    pair.rename_switch("External", "Production", computer_name="HV2")
    report = pair.compare_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    pair.disconnect_adapter(adapter=report.incompatibilities[0].source)
    pair.move_vm(compatibility_report=report, caller=ON_HV1)
    assert pair.snapshot().vm("VM1").NetworkAdapters[0].Connected is False


def test_unfixed_report_still_refused(pair):
    pair.rename_switch("External", "Production", computer_name="HV2")
    report = pair.compare_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    with pytest.raises(LabError) as e:
        pair.move_vm(compatibility_report=report, caller=ON_HV1)
    assert e.value.id == "migration.incompatible"


def test_disconnected_adapter_needs_no_switch(pair):
    pair.disconnect_adapter("VM1")
    pair.rename_switch("External", "Production", computer_name="HV2")
    assert pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1).state == "Completed"


def test_compare_vm_clean_report(pair):
    report = pair.compare_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert report.to_dict()["OperationType"] == "MoveVirtualMachine" and report.incompatibilities == []


def test_same_host_refused(pair):
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV1", caller=ON_HV1)
    assert (e.value.id, e.value.message) == ("migration.same_host", 'Virtual machine "VM1" is already on host "HV1".')


def test_clustered_vm_refused_by_move_vm(cluster):
    ready(cluster, "HV1", "HV2")
    with pytest.raises(LabError) as e:
        cluster.move_vm("VM1", "HV2", computer_name="HV1", caller=ON_HV1)
    assert e.value.id == "migration.clustered_vm"
    assert e.value.message == ('Virtual machine "VM1" is a clustered role of cluster "CLU1"; move it with Failover '
                               "Clustering (Move-ClusterVirtualMachineRole).")


def test_passthrough_disk_blocks_live_migration():
    data = pair_data()
    data["vms"][1]["vhds"].append({"path": "PhysicalDisk2", "passthrough": True})
    lab = ready(build(data))
    with pytest.raises(LabError) as e:
        lab.move_vm("VM2", "HV2", caller=ON_HV1)
    assert e.value.id == "storage.passthrough"


def test_vm_lookup_is_on_the_callers_computer(pair):
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV1", caller=Caller("HV2", interactive=True))
    assert e.value.id == "vm.not_found"
    assert e.value.message == 'Hyper-V was unable to find a virtual machine with name "VM1".'
    assert (e.value.category, e.value.exception_type, e.value.error_code) == (
        "InvalidArgument", "VirtualizationInvalidArgumentException", "InvalidParameter")


def test_off_vm_move_has_no_memory_transfer(pair):
    job = pair.move_vm("VM3", "HV2", include_storage=True, destination_storage_path="D:\\VMs\\VM3", caller=ON_HV1)
    assert (job.kind, job.downtime_s, job.bytes_sent) == ("move", 0.0, 0.0)
    assert pair.snapshot().vm("VM3").Checkpoints[0].Path == "D:\\VMs\\VM3"


def test_unknown_destination_host(pair):
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV9", caller=ON_HV1)
    assert (e.value.id, e.value.message) == ("host.not_found", 'The computer "HV9" is not a Hyper-V host of this lab.')
