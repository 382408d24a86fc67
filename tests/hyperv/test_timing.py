"""engine.hyperv.timing against the formulas of shared/reference/migration-timing.md and published measurements.

Expected values are computed here from the reference's formulas; only the model's documented parameters
(setup, resume, last-round threshold, default demand fraction) are read from the module.
"""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.hyperv import timing
from engine.hyperv.timing import estimate, link_rate_bytes_per_s

MIB = 2**20
GIB = 2**30


def goodput(link_gbps: float, efficiency: float = 0.945) -> float:
    """The reference's link rate: line rate × Ethernet efficiency (94-95 % at 1500 MTU)."""
    return link_gbps * 1e9 / 8 * efficiency


def closed_form(memory_b: float, rate: float, dirty_b: float, pass_limit: int) -> dict:
    """The reference's uniform-dirtying pre-copy formulas."""
    lam = dirty_b / rate
    n = min(pass_limit, math.ceil(math.log(timing.LAST_ROUND_THRESHOLD_BYTES / memory_b) / math.log(lam)))
    geometric = (1 - lam ** (n + 1)) / (1 - lam)
    return {
        "n": n,
        "lam": lam,
        "bytes": memory_b * geometric,
        "total": timing.SETUP_S + memory_b / rate * geometric + timing.RESUME_S,
        "downtime": memory_b * lam**n / rate + timing.RESUME_S,
    }


def test_link_rate_is_ethernet_goodput():
    assert link_rate_bytes_per_s(1) == pytest.approx(118e6, rel=0.005)
    assert link_rate_bytes_per_s(10) == pytest.approx(1.18e9, rel=0.005)
    assert link_rate_bytes_per_s(10, jumbo=True) == pytest.approx(10e9 / 8 * 0.99, rel=0.001)


@pytest.mark.parametrize(
    ("memory_mb", "dirty_mb_s", "link_gbps", "option", "os", "pass_limit"),
    [
        (64, 1, 1, "TCPIP", "WindowsServer2012R2", 5),  # converges before the limit (n = 2)
        (4096, 20, 1, "TCPIP", "WindowsServer2012R2", 5),  # stopped by the 2012 R2 limit
        (1024, 50, 1, "TCPIP", "WindowsServer2012", 10),  # stopped by the 2012 limit
        (8192, 200, 10, "SMB", "WindowsServer2012R2", 5),  # SMB at 10 Gbit/s: line rate
    ],
)
def test_uniform_dirtying_matches_the_closed_form(memory_mb, dirty_mb_s, link_gbps, option, os, pass_limit):
    memory_b = memory_mb * MIB
    expected = closed_form(memory_b, goodput(link_gbps), dirty_mb_s * MIB, pass_limit)
    result = estimate("live", memory_mb=memory_mb, demand_mb=memory_mb, link_gbps=link_gbps,
                      dirty_mb_s=dirty_mb_s, option=option, os=os)
    assert result.passes[-1].index == expected["n"]
    assert result.bytes_sent == pytest.approx(expected["bytes"], rel=0.01)
    assert result.total_s == pytest.approx(expected["total"], rel=0.01)
    assert result.downtime_s == pytest.approx(expected["downtime"], rel=0.01)
    for p in result.passes:
        assert p.bytes == pytest.approx(memory_b * expected["lam"] ** p.index, rel=0.01, abs=1)


def test_small_remainder_ends_early():
    result = estimate("live", memory_mb=64, demand_mb=64, link_gbps=1, dirty_mb_s=1, option="TCPIP")
    assert [p.final for p in result.passes] == [False, False, True]
    assert result.passes[-1].bytes <= timing.LAST_ROUND_THRESHOLD_BYTES


def test_idle_vm_copies_once_and_pauses_briefly():
    result = estimate("live", memory_mb=2048, demand_mb=2048, link_gbps=1, option="TCPIP")
    assert [(p.index, p.final) for p in result.passes] == [(0, False), (1, True)]
    assert result.passes[-1].bytes == 0
    assert result.downtime_s < 0.2


@pytest.mark.parametrize(("os", "limit"), [("WindowsServer2012R2", 5), ("WindowsServer2012", 10)])
def test_dirtying_faster_than_the_link_ends_at_the_pass_limit(os, limit):
    result = estimate("live", memory_mb=2048, demand_mb=2048, link_gbps=1, dirty_mb_s=500, option="TCPIP", os=os)
    assert [p.final for p in result.passes] == [False] * limit + [True]
    assert result.passes[-1].index == limit
    # Nothing converges: the last pass is bounded by the memory itself, so the pause is about M/R.
    assert result.downtime_s == pytest.approx(2048 * MIB / goodput(1) + timing.RESUME_S, rel=0.01)


@pytest.mark.parametrize(("vms", "measured_s"), [(1, 7), (10, 40), (20, 80)])
def test_finn_table_is_reproduced_within_25_percent(vms, measured_s):
    """Finn, WS2012 beta, 1 GbE, TCP/IP, VMs of 512 MB; his hosts allowed 20 simultaneous live migrations.

    Demand is not given, so the documented default applies (512 MB / 1.2, Dynamic Memory's 20 % buffer).
    """
    result = estimate("live", memory_mb=512, link_gbps=1, option="TCPIP", os="WindowsServer2012",
                      vms=vms, parallel=20)
    assert result.total_s == pytest.approx(measured_s, rel=0.25)


@pytest.mark.parametrize(
    ("memory_gib", "link_gbps", "option", "bound_s"),
    [
        (4, 1, "TCPIP", 36.5), (4, 10, "TCPIP", 3.65), (4, 10, "SMB", 3.65),
        (8, 1, "TCPIP", 73), (8, 10, "SMB", 7.3), (32, 1, "TCPIP", 292), (32, 10, "SMB", 29),
    ],
)
def test_reference_lower_bounds_hold(memory_gib, link_gbps, option, bound_s):
    result = estimate("live", memory_mb=memory_gib * 1024, demand_mb=memory_gib * 1024, link_gbps=link_gbps,
                      option=option)
    assert result.total_s >= bound_s
    # The memory copy alone cannot beat the wire even at the best Ethernet efficiency (95 %).
    assert result.passes[0].seconds >= memory_gib * GIB / goodput(link_gbps, 0.95)


@pytest.mark.parametrize("link_gbps", [0.1, 1, 2.5, 5, 9])
def test_compression_is_faster_than_tcpip_below_10_gbps(link_gbps):
    tcp = estimate("live", memory_mb=8192, demand_mb=8192, link_gbps=link_gbps, option="TCPIP")
    compressed = estimate("live", memory_mb=8192, demand_mb=8192, link_gbps=link_gbps, option="Compression")
    assert compressed.total_s < tcp.total_s
    if link_gbps <= 2.5:  # "about halves" while the link, not the CPU, is the limit
        assert compressed.passes[0].seconds == pytest.approx(tcp.passes[0].seconds / 2, rel=0.01)


@pytest.mark.parametrize("link_gbps", [10, 40])
def test_smb_wins_at_10_gbps_and_above(link_gbps):
    totals = {option: estimate("live", memory_mb=8192, demand_mb=8192, link_gbps=link_gbps, option=option).total_s
              for option in ("TCPIP", "Compression", "SMB")}
    assert totals["SMB"] < totals["Compression"] < totals["TCPIP"]


def test_smb_brings_nothing_over_tcpip_on_1_gbe():
    tcp = estimate("live", memory_mb=4096, demand_mb=4096, link_gbps=1, option="TCPIP")
    smb = estimate("live", memory_mb=4096, demand_mb=4096, link_gbps=1, option="SMB")
    assert smb.total_s == pytest.approx(tcp.total_s)


def test_one_tcp_stream_cannot_fill_10_gbe_but_two_migrations_can():
    one = estimate("live", memory_mb=8192, demand_mb=8192, link_gbps=10, option="TCPIP")
    two = estimate("live", memory_mb=8192, demand_mb=8192, link_gbps=10, option="TCPIP", vms=2, parallel=2)
    assert one.parameters["memory_rate_bytes_per_s"] < 0.6 * goodput(10)
    assert 2 * two.parameters["memory_rate_bytes_per_s"] == pytest.approx(goodput(10))


def test_quick_migration_is_down_throughout_and_sends_less_than_live():
    quick = estimate("quick", memory_mb=4096, demand_mb=4096, link_gbps=1)
    live = estimate("live", memory_mb=4096, demand_mb=4096, link_gbps=1, option="TCPIP")
    assert quick.downtime_s == pytest.approx(quick.total_s)
    assert quick.downtime_s > 100 * live.downtime_s
    assert quick.bytes_sent < live.bytes_sent
    assert quick.passes == ()


def test_quick_migration_takes_about_30_s_for_a_couple_of_gb():
    for demand_mb in (2048, 2560):
        total = estimate("quick", memory_mb=demand_mb, demand_mb=demand_mb, link_gbps=1).total_s
        assert 20 <= total <= 35


def test_quick_migration_is_faster_start_to_finish_for_a_busy_vm():
    quick = estimate("quick", memory_mb=4096, demand_mb=4096, link_gbps=1)
    live = estimate("live", memory_mb=4096, demand_mb=4096, link_gbps=1, dirty_mb_s=50, option="TCPIP")
    assert quick.total_s < live.total_s


def test_shared_nothing_takes_much_longer_than_live_with_the_same_downtime():
    live = estimate("live", memory_mb=4096, link_gbps=1)
    moved = estimate("shared-nothing", memory_mb=4096, link_gbps=1, disk_gb=40)
    assert moved.total_s > 5 * live.total_s
    assert moved.downtime_s == pytest.approx(live.downtime_s)
    assert moved.storage_s == pytest.approx(40 * GIB / goodput(1), rel=0.01)  # 1 GbE is slower than the disk
    assert moved.bytes_sent == pytest.approx(live.bytes_sent + 40 * GIB)


def test_storage_migration_has_no_downtime():
    result = estimate("storage", memory_mb=4096, link_gbps=1, disk_gb=40)
    assert result.downtime_s == 0
    assert result.total_s == pytest.approx(40 * GIB / (timing.DEFAULT_STORAGE_MB_S * MIB))
    assert result.storage_s == result.total_s
    assert result.parameters["storage_mb_s"] == timing.DEFAULT_STORAGE_MB_S


def test_export_copies_the_memory_state_of_a_running_vm_only():
    running = estimate("export", memory_mb=4096, demand_mb=2048, link_gbps=1, disk_gb=10, storage_mb_s=100)
    off = estimate("export", memory_mb=4096, demand_mb=0, link_gbps=1, disk_gb=10, storage_mb_s=100,
                   os="WindowsServer2012")
    assert running.total_s == pytest.approx((10 * 1024 + 2048) / 100)
    assert off.total_s == pytest.approx(10 * 1024 / 100)
    assert running.downtime_s == off.downtime_s == 0


def test_concurrent_migrations_share_the_link():
    alone = estimate("live", memory_mb=2048, demand_mb=2048, link_gbps=1, option="TCPIP", vms=2, parallel=1)
    together = estimate("live", memory_mb=2048, demand_mb=2048, link_gbps=1, option="TCPIP", vms=2, parallel=2)
    assert together.passes[0].seconds == pytest.approx(2 * alone.passes[0].seconds)
    # Two at once save one setup but not the transfer: the link is the limit.
    assert together.total_s == pytest.approx(alone.total_s - timing.SETUP_S - timing.RESUME_S)


def test_link_share_divides_the_link_with_other_migrations():
    alone = estimate("live", memory_mb=2048, demand_mb=2048, link_gbps=1, option="TCPIP")
    shared = estimate("live", memory_mb=2048, demand_mb=2048, link_gbps=1, option="TCPIP", link_share=3)
    assert shared.passes[0].seconds == pytest.approx(3 * alone.passes[0].seconds)


def test_a_batch_runs_in_waves_and_the_last_wave_may_be_smaller():
    three = estimate("live", memory_mb=1024, demand_mb=1024, link_gbps=1, option="TCPIP", vms=3, parallel=2)
    pair = estimate("live", memory_mb=1024, demand_mb=1024, link_gbps=1, option="TCPIP", vms=2, parallel=2)
    one = estimate("live", memory_mb=1024, demand_mb=1024, link_gbps=1, option="TCPIP")
    assert three.total_s == pytest.approx(pair.total_s + one.total_s)
    assert three.bytes_sent == pytest.approx(3 * one.bytes_sent)


def test_default_demand_is_documented_in_the_parameters():
    result = estimate("live", memory_mb=1200, link_gbps=1)
    assert result.parameters["demand_mb"] == pytest.approx(1000)
    assert result.parameters["demand_source"].startswith("default")
    assert result.parameters["option"] == "Compression"
    assert result.parameters["pass_limit"] == 5


def test_to_dict_is_json_ready():
    data = json.loads(json.dumps(estimate("live", memory_mb=1024, link_gbps=1, dirty_mb_s=10).to_dict()))
    assert {"total_s", "downtime_s", "bytes_sent", "passes", "storage_s", "kind", "parameters", "vms",
            "parallel"} <= set(data)
    assert set(data["passes"][0]) == {"index", "bytes", "seconds", "final"}
    assert data["passes"][-1]["final"] is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"memory_mb": -1}, "memory_mb must be non-negative (got -1)"),
        ({"kind": "teleport"}, "unknown kind 'teleport': expected one of live, quick, shared-nothing, storage"),
        ({"option": "RDMA"}, "unknown option 'RDMA': expected one of TCPIP, Compression, SMB"),
        ({"os": "WindowsServer2016"}, "unknown os 'WindowsServer2016'"),
        ({"os": "WindowsServer2012"}, "option Compression does not exist on WindowsServer2012, which only has TCP/IP"),
        ({"os": "WindowsServer2012", "option": "SMB"}, "option SMB does not exist on WindowsServer2012"),
        ({"memory_mb": 0}, "memory_mb must be greater than 0 for a live migration"),
        ({"demand_mb": 5000}, "demand_mb (5000) cannot exceed memory_mb (4096)"),
        ({"link_gbps": 0}, "link_gbps must be greater than 0 (got 0)"),
        ({"dirty_mb_s": float("nan")}, "dirty_mb_s must be a finite number"),
        ({"vms": 0}, "vms must be a whole number of at least 1 (got 0)"),
        ({"parallel": 1.5}, "parallel must be a whole number of at least 1"),
        ({"kind": "export", "os": "WindowsServer2012", "option": "TCPIP"},
         "WindowsServer2012 exports only a VM that is off"),
    ],
)
def test_impossible_input_is_refused_with_a_clear_message(kwargs, message):
    arguments = {"kind": "live", "memory_mb": 4096, "link_gbps": 1} | kwargs
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        estimate(arguments.pop("kind"), **arguments)


@st.composite
def live_inputs(draw):
    os = draw(st.sampled_from(["WindowsServer2012", "WindowsServer2012R2"]))
    memory_mb = draw(st.floats(1, 65536))
    return {
        "kind": draw(st.sampled_from(["live", "shared-nothing"])),
        "memory_mb": memory_mb,
        "demand_mb": draw(st.none() | st.floats(0.01, 1).map(lambda f: f * memory_mb)),
        "link_gbps": draw(st.floats(0.1, 100)),
        "dirty_mb_s": draw(st.floats(0, 5000)),
        "option": "TCPIP" if os == "WindowsServer2012" else draw(st.sampled_from(["TCPIP", "Compression", "SMB"])),
        "os": os,
        "disk_gb": draw(st.floats(0, 2000)),
        "vms": draw(st.integers(1, 30)),
        "parallel": draw(st.integers(1, 20)),
        "link_share": draw(st.integers(1, 8)),
    }


@settings(max_examples=300, deadline=None)
@given(live_inputs())
def test_no_move_beats_the_wire(inputs):
    result = estimate(inputs.pop("kind"), **inputs)
    demand_mb = inputs["demand_mb"] if inputs["demand_mb"] is not None \
        else inputs["memory_mb"] * timing.DEFAULT_DEMAND_FRACTION
    memory_b = inputs["vms"] * demand_mb * MIB
    # The best the link can do for the whole batch: 95 % efficiency, doubled by compression at most.
    best_rate = goodput(inputs["link_gbps"], 0.95) * (2 if inputs["option"] == "Compression" else 1)
    assert result.total_s >= memory_b / best_rate
    assert 0 <= result.downtime_s <= result.total_s
    assert result.bytes_sent >= memory_b * (1 - 1e-9)
    assert all(math.isfinite(v) for v in (result.total_s, result.downtime_s, result.bytes_sent))
