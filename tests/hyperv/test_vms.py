"""VM power states (a transition table), processor compatibility, adapters, switches, physical NICs."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from engine.hyperv.vms import VM_TRANSITIONS
from tests.hyperv.conftest import ON_HV1, build, cluster_data, pair_data


@pytest.fixture
def lab():
    return build(pair_data())


@pytest.mark.parametrize("start,action,end", [(s, a, e) for (s, a), e in VM_TRANSITIONS.items()])
def test_legal_transitions(lab, start, action, end):
    vm = lab.world.vm("VM3")
    vm.state = start
    getattr(lab, {"start": "start_vm", "stop": "stop_vm", "save": "save_vm", "suspend": "suspend_vm",
                  "resume": "resume_vm"}[action])("VM3", caller=ON_HV1)
    assert lab.snapshot().vm("VM3").State == end


def test_illegal_transition_raises(lab):
    with pytest.raises(LabError) as e:
        lab.save_vm("VM3", caller=ON_HV1)
    assert e.value.id == "vm.invalid_state"
    assert e.value.message == ("'VM3' failed to change state. The operation cannot be performed while the object is "
                               "in its current state. (Cannot save a virtual machine that is off.)")


def test_start_running_vm_raises(lab):
    with pytest.raises(LabError) as e:
        lab.start_vm("VM1", caller=ON_HV1)
    assert e.value.id == "vm.invalid_state"


def test_start_without_memory(lab):
    lab.inject(kind="memory_exhausted", host="HV1", free_mb=512)
    with pytest.raises(LabError) as e:
        lab.start_vm("VM3", caller=ON_HV1)
    assert (e.value.id, e.value.message) == ("vm.out_of_memory",
                                             '"VM3" could not initialize memory: Ran out of memory (0x8007000E)')


def test_memory_assigned_only_while_running(lab):
    snap = lab.snapshot()
    assert snap.vm("VM1").MemoryAssigned == 4096 * 2**20 and snap.vm("VM1").MemoryDemand == 2048 * 2**20
    assert snap.vm("VM3").MemoryAssigned == 0 and snap.vm("VM3").MemoryStartup == 1024 * 2**20


def test_processor_compatibility_set_while_off(lab):
    lab.set_vm_processor("VM3", compatibility_for_migration_enabled=True,
                         compatibility_for_older_operating_systems_enabled=True, count=2, caller=ON_HV1)
    p = lab.snapshot().vm("VM3").Processor
    assert (p.CompatibilityForMigrationEnabled, p.CompatibilityForOlderOperatingSystemsEnabled, p.Count) == (
        True, True, 2)


@pytest.mark.parametrize("state", ["Running", "Saved", "Paused"])
def test_processor_compatibility_refused_unless_off(lab, state):
    lab.world.vm("VM3").state = state
    with pytest.raises(LabError) as e:
        lab.set_vm_processor("VM3", compatibility_for_migration_enabled=True, caller=ON_HV1)
    assert e.value.id == "vm.processor_running"
    assert e.value.message == (f'Cannot change the processor settings of virtual machine "VM3" while it is '
                               f"{state.lower()}. Turn off the virtual machine first.")


def test_vm_not_found(lab):
    with pytest.raises(LabError) as e:
        lab.start_vm("VM9", caller=ON_HV1)
    assert (e.value.id, e.value.message, e.value.category) == (
        "vm.not_found", 'Hyper-V was unable to find a virtual machine with name "VM9".', "InvalidArgument")
    assert e.value.target == "VM9"


def test_connect_adapter_to_existing_switch(lab):
    lab.world.host("HV1").switches.append(lab.world.host("HV1").switches[0].__class__("Internal", "Internal"))
    lab.connect_adapter("VM1", "Internal", caller=ON_HV1)
    assert lab.snapshot().vm("VM1").NetworkAdapters[0].SwitchName == "Internal"


def test_connect_adapter_to_missing_switch(lab):
    with pytest.raises(LabError) as e:
        lab.connect_adapter("VM1", "Nope", caller=ON_HV1)
    assert (e.value.id, e.value.message, e.value.category) == (
        "switch.not_found", 'Hyper-V was unable to find a virtual switch with name "Nope".', "ObjectNotFound")


def test_unknown_adapter(lab):
    with pytest.raises(LabError) as e:
        lab.disconnect_adapter("VM1", name="Legacy", caller=ON_HV1)
    assert e.value.id == "adapter.not_found"
    assert e.value.message == 'Hyper-V was unable to find a network adapter with name "Legacy" on virtual machine "VM1".'



def test_protected_flag(lab):
    lab.set_adapter("VM1", not_monitored_in_cluster=True, caller=ON_HV1)
    assert lab.snapshot().vm("VM1").NetworkAdapters[0].NotMonitoredInCluster is True
    lab.set_adapter("VM1", not_monitored_in_cluster=False, caller=ON_HV1)
    assert lab.snapshot().vm("VM1").NetworkAdapters[0].NotMonitoredInCluster is False


def test_rename_switch_keeps_connections(lab):
    lab.rename_switch("External", "Public", caller=ON_HV1)
    assert [s.Name for s in lab.snapshot().host("HV1").Switches] == ["Public"]
    assert lab.snapshot().vm("VM1").NetworkAdapters[0].SwitchName == "Public"


def test_rename_unknown_switch(lab):
    with pytest.raises(LabError) as e:
        lab.rename_switch("Nope", "X", caller=ON_HV1)
    assert e.value.id == "switch.not_found"


def test_net_adapter_disable_enable(lab):
    lab.set_net_adapter_state("HV1", "LM", False)
    assert {n.Name: n.Status for n in lab.snapshot().host("HV1").NetAdapters}["LM"] == "Disabled"
    lab.set_net_adapter_state("HV1", "LM", True)
    assert {n.Name: n.Status for n in lab.snapshot().host("HV1").NetAdapters}["LM"] == "Up"


def test_unknown_net_adapter(lab):
    with pytest.raises(LabError) as e:
        lab.set_net_adapter_state("HV1", "Wifi", False)
    assert e.value.id == "netadapter.not_found"
    assert e.value.message == ("No MSFT_NetAdapter objects found with property 'Name' equal to 'Wifi'.  Verify the "
                               "value of the property and retry.")


def test_get_vm_on_another_computer_is_not_found(lab):
    assert lab.get_vm("VM1", "HV1").name == "VM1"
    with pytest.raises(LabError) as e:
        lab.get_vm("VM1", "HV2")
    assert e.value.id == "vm.not_found"


def test_get_switch(lab):
    assert lab.get_switch("External", "HV1").switch_type == "External"
    with pytest.raises(LabError) as e:
        lab.get_switch("Private", "HV1")
    assert e.value.id == "switch.not_found"


# --- Remove-VM -------------------------------------------------------------------------------------------------

def test_remove_vm_that_is_off_keeps_its_files(lab):
    files = dict(lab.world.files)
    removed = lab.remove_vm("VM3", caller=ON_HV1)
    assert removed.name == "VM3" and "VM3" not in [v.Name for v in lab.snapshot().VMs]
    assert lab.world.files == files


def test_remove_saved_vm(lab):
    lab.save_vm("VM1", caller=ON_HV1)
    lab.remove_vm("VM1", "HV1", caller=ON_HV1)
    assert "VM1" not in [v.Name for v in lab.snapshot().VMs]


def test_remove_running_vm_refused(lab):
    with pytest.raises(LabError) as e:
        lab.remove_vm("VM1", caller=ON_HV1)
    assert (e.value.id, e.value.fidelity, e.value.category) == ("vm.remove_running", "approximate", "InvalidOperation")
    assert e.value.message == ("'VM1' failed to delete. The operation cannot be performed while the object is in "
                               "its current state. (Cannot remove a virtual machine that is running.)")
    assert "VM1" in [v.Name for v in lab.snapshot().VMs]


def test_remove_clustered_vm_refused():
    lab = build(cluster_data())
    lab.stop_vm("VM1", "HV1")
    with pytest.raises(LabError) as e:
        lab.remove_vm("VM1", "HV1")
    assert e.value.id == "vm.remove_clustered"
    assert e.value.message == ('Virtual machine "VM1" is a clustered role of cluster "CLU1"; remove the role from the '
                               "cluster (Remove-ClusterGroup) before removing the virtual machine.")


def test_remove_unknown_vm_is_not_found(lab):
    with pytest.raises(LabError) as e:
        lab.remove_vm("VM9", caller=ON_HV1)
    assert e.value.id == "vm.not_found"


# --- Get-VM -Id --------------------------------------------------------------------------------------------------

def test_get_vm_by_id_ignores_braces_and_case(lab):
    vm_id = lab.world.vm("VM3").id
    assert lab.get_vm_by_id("{" + vm_id.lower() + "}", caller=ON_HV1).name == "VM3"


def test_get_vm_by_id_not_found(lab):
    with pytest.raises(LabError) as e:
        lab.get_vm_by_id("00000000-0000-0000-0000-000000000000", caller=ON_HV1)
    assert (e.value.id, e.value.category, e.value.fidelity) == ("vm.id_not_found", "InvalidArgument", "approximate")
    assert e.value.message == ('Hyper-V was unable to find a virtual machine with id '
                               '"00000000-0000-0000-0000-000000000000".')


def test_get_vm_by_id_looks_only_on_the_named_host(lab):
    with pytest.raises(LabError) as e:
        lab.get_vm_by_id(lab.world.vm("VM3").id, "HV2", caller=ON_HV1)
    assert e.value.id == "vm.id_not_found"


# --- New-VMSwitch ------------------------------------------------------------------------------------------------

def test_new_internal_and_private_switches(lab):
    lab.new_switch("Lab", "Internal", "HV2", caller=ON_HV1)
    lab.new_switch("Isolated", "Private", "HV2", caller=ON_HV1)
    switches = {s.Name: s.SwitchType for s in lab.snapshot().host("HV2").Switches}
    assert switches == {"External": "External", "Lab": "Internal", "Isolated": "Private"}


def test_new_external_switch_on_a_free_adapter(lab):
    switch = lab.new_switch("Migration", computer_name="HV1", net_adapter_name="lm", caller=ON_HV1)
    assert (switch.name, switch.switch_type, switch.nic) == ("Migration", "External", "LM")


def test_new_external_switch_on_a_bound_adapter_refused(lab):
    with pytest.raises(LabError) as e:
        lab.new_switch("Second", "External", net_adapter_name="Mgmt", caller=ON_HV1)
    assert e.value.id == "switch.adapter_in_use"
    assert e.value.message == ("Failed while adding virtual Ethernet switch connections. The network adapter "
                               '"Mgmt" of host "HV1" is already bound to the virtual switch "External".')


def test_new_external_switch_needs_an_adapter(lab):
    with pytest.raises(LabError) as e:
        lab.new_switch("Outside", "External", caller=ON_HV1)
    assert e.value.id == "switch.external_needs_adapter"


def test_new_switch_on_unknown_adapter(lab):
    with pytest.raises(LabError) as e:
        lab.new_switch("Outside", net_adapter_name="Nope", caller=ON_HV1)
    assert e.value.id == "netadapter.not_found"


def test_new_internal_switch_with_adapter_refused(lab):
    with pytest.raises(LabError) as e:
        lab.new_switch("Lab", "Internal", net_adapter_name="LM", caller=ON_HV1)
    assert e.value.id == "switch.adapter_not_external"


def test_new_switch_name_taken_refused(lab):
    with pytest.raises(LabError) as e:
        lab.new_switch("External", "Private", caller=ON_HV1)
    assert (e.value.id, e.value.message) == (
        "switch.exists", 'Host "HV1" already has a virtual switch named "External".')
