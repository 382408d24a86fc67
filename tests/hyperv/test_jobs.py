"""Jobs on the simulated clock: timing from the model, progress, blocking vs as_job, limits and the queue."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from engine.hyperv import timing
from engine.hyperv.jobs import set_state
from tests.hyperv.conftest import ON_HV1, build, pair_data, ready


def smb_pair(vms: int = 3):
    """A ready pair with ``vms`` running VMs stored on the share (VM-only live moves)."""
    data = pair_data()
    data["vms"] = [{"name": f"S{i}", "host": "HV1", "state": "Running", "memory_mb": 2048, "memory_demand_mb": 1024,
                    "dirty_rate_mb_s": 5, "path": f"\\\\FS1\\VMs\\S{i}",
                    "vhds": [{"path": f"\\\\FS1\\VMs\\S{i}\\S{i}.vhdx", "size_gb": 40, "used_gb": 8}],
                    "adapters": [{"switch": "External"}]} for i in range(1, vms + 1)]
    return ready(build(data))


def test_blocking_move_advances_clock_to_job_end():
    lab = smb_pair()
    job = lab.move_vm("S1", "HV2", caller=ON_HV1)
    assert job.state == "Completed" and lab.now == pytest.approx(job.end) and job.start == 0.0


def test_live_job_matches_timing_model():
    lab = smb_pair()
    job = lab.move_vm("S1", "HV2", caller=ON_HV1)
    est = timing.estimate("live", memory_mb=2048, demand_mb=1024, link_gbps=10.0, dirty_mb_s=5.0,
                          option="Compression", os="WindowsServer2012R2", parallel=1)
    assert (job.total_s, job.downtime_s, job.bytes_sent) == pytest.approx((est.total_s, est.downtime_s,
                                                                           est.bytes_sent))
    assert [(p.index, p.bytes, p.seconds) for p in job.passes] == [(p.index, p.bytes, p.seconds) for p in est.passes]
    assert job.downtime_s < 1.0


def test_performance_option_of_source_host_is_used():
    lab = smb_pair()
    lab.set_host("HV1", virtual_machine_migration_performance_option="TCPIP")
    assert lab.move_vm("S1", "HV2", caller=ON_HV1).timing["option"] == "TCPIP"


def test_as_job_returns_running_job_with_progress():
    lab = smb_pair()
    job = lab.move_vm("S1", "HV2", as_job=True, caller=ON_HV1)
    assert job.state == "Running" and lab.now == 0.0
    assert lab.snapshot().vm("S1").ComputerName == "HV1"
    assert lab.snapshot().vm("S1").Status == "Migrating"
    lab.advance(job.total_s / 2)
    assert lab.snapshot().Jobs[0].PercentComplete == pytest.approx(50.0, abs=0.01)
    lab.wait(job)
    assert job.state == "Completed" and lab.snapshot().vm("S1").ComputerName == "HV2"


def test_standalone_refuses_third_live_migration():
    lab = smb_pair()
    lab.move_vm("S1", "HV2", as_job=True, caller=ON_HV1)
    lab.move_vm("S2", "HV2", as_job=True, caller=ON_HV1)
    with pytest.raises(LabError) as e:
        lab.move_vm("S3", "HV2", as_job=True, caller=ON_HV1)
    assert e.value.id == "migration.limit_reached"
    assert e.value.message == ('Failed to perform migration on virtual machine "S3" because virtual machine '
                               'migration limit "2" was reached, please wait for completion of an ongoing migration '
                               "operation.")
    assert e.value.event_id == 21501


def test_third_migration_allowed_after_one_completes():
    lab = smb_pair()
    first = lab.move_vm("S1", "HV2", as_job=True, caller=ON_HV1)
    lab.move_vm("S2", "HV2", as_job=True, caller=ON_HV1)
    lab.wait(first)
    assert lab.move_vm("S3", "HV2", as_job=True, caller=ON_HV1).state == "Running"


def test_raised_limit_allows_more():
    lab = smb_pair()
    for h in ("HV1", "HV2"):
        lab.set_host(h, maximum_virtual_machine_migrations=3)
    jobs = [lab.move_vm(f"S{i}", "HV2", as_job=True, caller=ON_HV1) for i in (1, 2, 3)]
    assert [j.state for j in jobs] == ["Running"] * 3


def test_parallel_migrations_share_the_link():
    lab = smb_pair()
    a = lab.move_vm("S1", "HV2", as_job=True, caller=ON_HV1)
    b = lab.move_vm("S2", "HV2", as_job=True, caller=ON_HV1)
    shared = timing.estimate("live", memory_mb=2048, demand_mb=1024, link_gbps=10.0, dirty_mb_s=5.0,
                             parallel=1, link_share=2)
    assert b.total_s == pytest.approx(shared.total_s) and b.total_s >= a.total_s


def test_run_until_idle_completes_everything():
    lab = smb_pair()
    lab.move_vm("S1", "HV2", as_job=True, caller=ON_HV1)
    lab.move_vm("S2", "HV2", as_job=True, caller=ON_HV1)
    done = lab.run_until_idle()
    assert [j.state for j in done] == ["Completed", "Completed"]
    assert [lab.snapshot().vm(n).ComputerName for n in ("S1", "S2", "S3")] == ["HV2", "HV2", "HV1"]


def test_cluster_queues_beyond_limit(cluster):
    jobs = [cluster.move_cluster_vm_role(n, "HV2", as_job=True) for n in ("VM1", "VM2", "VM3")]
    assert [j.state for j in jobs] == ["Running", "Running", "Queued"]
    cluster.wait(jobs[2])
    assert jobs[2].state == "Completed" and jobs[2].start == pytest.approx(min(jobs[0].end, jobs[1].end))


def test_job_lifecycle_refuses_illegal_transition():
    lab = smb_pair()
    job = lab.move_vm("S1", "HV2", caller=ON_HV1)
    with pytest.raises(LabError) as e:
        set_state(job, "Running")
    assert (e.value.id, e.value.message) == ("job.invalid_transition",
                                             f"Job {job.id} cannot go from Completed to Running.")


def test_snapshot_job_log_records_kind_and_downtime():
    lab = smb_pair()
    lab.move_vm("S1", "HV2", caller=ON_HV1)
    rec = lab.snapshot().Jobs[0]
    assert (rec.Kind, rec.VMName, rec.Source, rec.Destination, rec.State) == ("live", "S1", "HV1", "HV2",
                                                                              "Completed")
    assert rec.DowntimeSeconds < 1 and rec.PercentComplete == 100.0 and rec.Passes[-1].Final


def test_shared_nothing_takes_longer_than_live():
    lab = ready(build(pair_data()))
    sn = lab.move_vm("VM1", "HV2", include_storage=True, destination_storage_path="D:\\VMs\\VM1", caller=ON_HV1)
    live = lab.move_vm("VM2", "HV2", caller=ON_HV1)
    assert sn.total_s > live.total_s and sn.bytes_sent > 12 * 2**30


def test_advance_without_jobs_moves_clock():
    lab = smb_pair()
    lab.advance(12.5)
    assert lab.snapshot().Clock == 12.5
