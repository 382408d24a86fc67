"""Properties over random sequences of operations: exact JSON round trips and world invariants."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import LabError
from engine.hyperv import Caller, Lab
from engine.hyperv.files import find
from engine.hyperv.vms import ACTIVE_STATES
from tests.hyperv.conftest import build, cluster_data, pair_data, ready

NODES = ["HV1", "HV2", "HV3"]
VMS = ["VM1", "VM2", "VM3"]

operation = st.one_of(
    st.tuples(st.just("move"), st.sampled_from(VMS), st.sampled_from(NODES), st.sampled_from(["Live", "Quick"])),
    st.tuples(st.just("suspend"), st.sampled_from(NODES), st.booleans()),
    st.tuples(st.just("resume"), st.sampled_from(NODES)),
    st.tuples(st.just("nic"), st.sampled_from(NODES), st.booleans()),
    st.tuples(st.just("shutdown"), st.sampled_from(NODES)),
    st.tuples(st.just("start"), st.sampled_from(NODES)),
    st.tuples(st.just("crash"), st.sampled_from(NODES)),
    st.tuples(st.just("advance"), st.floats(min_value=0, max_value=30)),
)


def apply(lab: Lab, op: tuple) -> None:
    kind, *args = op
    try:
        if kind == "move":
            lab.move_cluster_vm_role(args[0], args[1], migration_type=args[2], as_job=True)
        elif kind == "suspend":
            lab.suspend_node(args[0], drain=args[1])
        elif kind == "resume":
            lab.resume_node(args[0])
        elif kind == "nic":
            lab.set_net_adapter_state(args[0], "Mgmt", args[1])
        elif kind == "shutdown":
            lab.shutdown_host(args[0])
        elif kind == "start":
            lab.start_host(args[0])
        elif kind == "crash":
            lab.inject(kind="node_down", host=args[0])
        else:
            lab.advance(args[0])
    except LabError:
        pass  # refusals are part of the game; the world must stay consistent


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, max_size=12))
def test_any_sequence_round_trips_and_keeps_invariants(ops):
    lab = build(cluster_data())
    for op in ops:
        apply(lab, op)
        assert Lab.from_json(lab.to_json()).to_json() == lab.to_json()
    world = lab.world
    for host in world.hosts:
        active = sum(v.memory_mb for v in world.vms_on(host.name) if v.state in ACTIVE_STATES)
        assert active <= host.memory_mb
        if not host.online:
            assert all(v.state not in ACTIVE_STATES for v in world.vms_on(host.name))
    for job in world.jobs:
        assert job.state in ("Queued", "Running", "Completed", "Failed")
        if job.state == "Running":
            assert job.start <= world.clock <= job.end
    lab.run_until_idle()
    assert not [j for j in world.jobs if j.state == "Running"]


standalone_operation = st.one_of(
    st.tuples(st.just("move"), st.sampled_from(["VM1", "VM2", "VM3"]), st.sampled_from(["HV1", "HV2"]),
              st.booleans()),
    st.tuples(st.just("storage"), st.sampled_from(["VM1", "VM2", "VM3"]), st.sampled_from(["C:\\S", "D:\\S"])),
    st.tuples(st.just("export"), st.sampled_from(["VM1", "VM3"])),
    st.tuples(st.just("power"), st.sampled_from(["VM1", "VM3"]), st.sampled_from(["start", "stop", "save"])),
    st.tuples(st.just("advance"), st.floats(min_value=0, max_value=60)),
)


def apply_standalone(lab: Lab, op: tuple) -> None:
    kind, *args = op
    try:
        if kind == "move":
            vm = lab.world.vm(args[0])
            storage = {"destination_storage_path": f"D:\\Moved\\{vm.name}"} if args[2] else {}
            lab.move_vm(vm.name, args[1], computer_name=vm.host, as_job=True,
                        caller=Caller(vm.host, interactive=True), **storage)
        elif kind == "storage":
            lab.move_vm_storage(args[0], f"{args[1]}\\{args[0]}", computer_name=lab.world.vm(args[0]).host,
                                as_job=True)
        elif kind == "export":
            vm = lab.world.vm(args[0])
            lab.export_vm(vm.name, f"D:\\Export{lab.world.next_job_id}", computer_name=vm.host, as_job=True)
        elif kind == "power":
            vm = lab.world.vm(args[0])
            getattr(lab, f"{args[1]}_vm")(vm.name, vm.host)
        else:
            lab.advance(args[0])
    except LabError:
        pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(standalone_operation, max_size=12))
def test_standalone_sequences_keep_files_and_vms_consistent(ops):
    lab = ready(build(pair_data()))
    for op in ops:
        apply_standalone(lab, op)
        assert Lab.from_json(lab.to_json()).to_json() == lab.to_json()
    lab.run_until_idle()
    for vm in lab.world.vms:
        host = lab.world.host(vm.host)
        for disk in vm.vhds:
            assert find(lab.world, host, disk.path) is not None, (vm.name, disk.path)
        assert find(lab.world, host, vm.config_file()) is not None
