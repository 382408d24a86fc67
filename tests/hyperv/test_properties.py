"""Properties over random sequences of cluster operations: exact JSON round trips and world invariants."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import LabError
from engine.hyperv import Lab
from engine.hyperv.vms import ACTIVE_STATES
from tests.hyperv.conftest import build, cluster_data

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
