"""How long a VM move takes, how long the VM is unreachable and how much crosses the wire.

The clock of the emulated lab runs on this model (``shared/reference/migration-timing.md``; the full derivation
and every source is in ``docs/migration-model.md``). Pure functions: no I/O, no state.

Units: memory and disk sizes are Windows units (1 MB = 2**20 bytes, 1 GB = 2**30 bytes, as Hyper-V counts
them), links are in Gbit/s (10**9 bit/s), rates in bytes/s, times in seconds.

Live migration is pre-copy (Clark et al. 2005; Liu et al. 2011): pass i sends V_i = M·λ^i with λ = D/R, until
the remainder is under ``LAST_ROUND_THRESHOLD_BYTES`` or the OS's pass limit is reached; then the VM pauses for
the last pass plus ``RESUME_S``. A batch of identical VMs runs in waves of at most ``parallel`` moves; the moves
of a wave share the link, the compressor and the storage equally.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

__all__ = [
    "Pass",
    "MigrationEstimate",
    "link_rate_bytes_per_s",
    "estimate",
    "KINDS",
    "OPTIONS",
    "PASS_LIMITS",
    "MB",
    "GB",
]

MB = 2**20  # Hyper-V's "MB" (MemoryStartup 512MB = 536,870,912 bytes)
GB = 2**30

KINDS = ("live", "quick", "shared-nothing", "storage", "export")
OPTIONS = ("TCPIP", "Compression", "SMB")

# TCP payload per Ethernet frame at 1500 MTU: 1460 bytes (1448 with TCP timestamps) per 1538 bytes on the wire
# (8 preamble + 14 header + 1500 + 4 FCS + 12 inter-frame gap) = 0.941-0.949; the reference gives 94-95 %
# (1 GbE ≈ 118 MB/s). Finn measured ≈ 95 % of a 1 GbE NIC used by a TCP/IP live migration.
ETHERNET_EFFICIENCY = 0.945
# Same arithmetic at 9000 MTU: 8960/9038 = 0.991.
ETHERNET_EFFICIENCY_JUMBO = 0.99

# One live migration is one TCP stream, and its receive processing lands on one core (RSS spreads streams, not
# one stream). Published single-migration rates on 10 GbE: 2.7 Gbit/s (Finn, 2012 beta, peak 338 MB/s),
# ~4 Gbit/s with one core saturated (Savill, Windows IT Pro), ~6.7 Gbit/s (workinghardinit.work, 2012 R2,
# 55 GB in ~70 s). We take the middle, 5 Gbit/s; several concurrent migrations can still fill a link.
TCP_STREAM_CAP_BYTES_S = 5e9 / 8

# Microsoft: Compression "about halves" live migration time (Armstrong's blog, TechNet). Memory of idle VMs
# compresses better (TechEd demo: > 60 s with TCP/IP, ≈ 15 s compressed), so this is conservative.
COMPRESSION_RATIO = 2.0
# Memory the host's idle cores can compress per second (input bytes). Not published; inferred from Microsoft's
# guidance (Compression below 10 Gbit/s, SMB at 10 Gbit/s and more): the crossover means compression cannot
# outrun one 10 GbE link's goodput (1.18 GB/s). LZ-class compressors run at a few hundred MB/s per core.
COMPRESSION_CPU_BYTES_S = 1.0e9

# SMB Multichannel/Direct scales with NICs "until RAM access speeds become the bottleneck", which Finn and
# Microsoft place at about three 56 Gbit/s RDMA NICs (3 × 56 × 0.945 / 8 ≈ 20 GB/s).
SMB_MEMORY_BOUND_BYTES_S = 20e9

# Live (pre-copy) passes made while the VM runs, the first full copy included; the stop-and-copy follows.
# Savill: at most 5 on 2012 R2 and 10 on 2008 R2. 2012 is taken to keep 2008 R2's limit (not published).
PASS_LIMITS = {"WindowsServer2012": 10, "WindowsServer2012R2": 5}

# Hyper-V does not publish when the remainder is small enough; we borrow Xen's rule (Clark et al.): stop when
# fewer than 50 dirty 4 KiB pages remain.
LAST_ROUND_THRESHOLD_BYTES = 50 * 4096

# Fixed work around the memory copy: negotiation, creating the destination VM and reserving its memory, the
# cluster's resource move. Not published; single-VM measurements leave it once the copy time is subtracted:
# Finn's 512 MB VM took 7 s on 1 GbE (copy ≈ 3.8 s) and 5 s on 10 GbE (copy ≈ 1.3 s at 338 MB/s) -> 3.2-3.6 s.
SETUP_S = 3.3
# Pause work besides the last pass: device state, resume on the destination, gratuitous ARP. Clark et al. measured
# 60 ms of downtime for a 64 MB Quake 3 server whose last pass is tiny; the reference: "milliseconds".
RESUME_S = 0.05

# When the memory in use (demand) is not given: Dynamic Memory's default buffer is 20 %, so Hyper-V assigns
# about demand × 1.2 and demand ≈ assigned / 1.2. For static memory pass the demand (all of it is sent).
DEFAULT_DEMAND_FRACTION = 1 / 1.2

# Sequential throughput of one copy to or from the VM storage (MB/s, 2**20 bytes): a 2012-era SAN/CSV or local
# RAID. Checks against the reference: quick migration of "a couple of GB" in about 30 s (Savill), 15 s at the
# least (Dell) — see QUICK_HANDOVER_S.
DEFAULT_STORAGE_MB_S = 200.0
# Quick migration's work besides saving and restoring memory: taking the role offline, moving ownership to the
# new node, creating and starting the VM there. Not published; chosen so that a 2-2.5 GB VM takes 25-30 s at
# DEFAULT_STORAGE_MB_S (Savill's "about 30 s") and a 1 GB VM about 14 s (Dell's "typically 15 s" at the least).
QUICK_HANDOVER_S = 4.0


@dataclass(frozen=True)
class Pass:
    """One copy pass of one VM's memory; index 0 is the first full copy, the last pass (final) is stop-and-copy."""

    index: int
    bytes: float
    seconds: float
    final: bool = False


@dataclass(frozen=True)
class MigrationEstimate:
    """The result of :func:`estimate` for a batch of identical VMs.

    ``bytes_sent`` counts memory and disk content carried between hosts over the network, before compression
    (with Compression about half of it is on the wire). Quick, storage and export moves send nothing between
    hosts: their data goes through storage.
    """

    kind: str
    total_s: float
    downtime_s: float
    bytes_sent: float
    passes: tuple[Pass, ...]
    storage_s: float = 0.0
    parameters: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-ready dict: the fields, passes as dicts, and the batch's ``vms`` and ``parallel``."""
        return {
            "kind": self.kind,
            "total_s": self.total_s,
            "downtime_s": self.downtime_s,
            "bytes_sent": self.bytes_sent,
            "storage_s": self.storage_s,
            "passes": [
                {"index": p.index, "bytes": p.bytes, "seconds": p.seconds, "final": p.final} for p in self.passes
            ],
            "vms": self.parameters["vms"],
            "parallel": self.parameters["parallel"],
            "parameters": dict(self.parameters),
        }


def link_rate_bytes_per_s(link_gbps: float, *, jumbo: bool = False) -> float:
    """TCP goodput of an Ethernet link in bytes/s: line rate times the frame efficiency (1500 or 9000 MTU)."""
    if not math.isfinite(link_gbps) or link_gbps <= 0:
        raise ValueError(f"link_gbps must be greater than 0 (got {link_gbps})")
    return link_gbps * 1e9 / 8 * (ETHERNET_EFFICIENCY_JUMBO if jumbo else ETHERNET_EFFICIENCY)


def _transport_rate(option: str, link_share_b: float, concurrent: int) -> float:
    """Uncompressed bytes/s one move gets from its share of the link under a performance option."""
    if option == "SMB":
        # SMB spreads over several connections (and RDMA at >= 10 Gbit/s), so no single-stream cap.
        return min(link_share_b, SMB_MEMORY_BOUND_BYTES_S / concurrent)
    return min(link_share_b, TCP_STREAM_CAP_BYTES_S)


def _memory_rate(option: str, link_share_b: float, concurrent: int) -> float:
    """Memory bytes/s one live migration moves; Compression multiplies the wire rate, bounded by spare CPU."""
    wire = _transport_rate(option, link_share_b, concurrent)
    if option == "Compression":
        return min(COMPRESSION_RATIO * wire, COMPRESSION_CPU_BYTES_S / concurrent)
    return wire


def _precopy(memory_b: float, rate: float, dirty_b: float, pass_limit: int) -> tuple[Pass, ...]:
    """Pre-copy passes V_i = min(M, M·λ^i) until V_i <= the threshold or the pass limit, then the final pass.

    A pass cannot find more dirty pages than the VM has, hence the cap at M when λ >= 1.
    """
    ratio = dirty_b / rate
    passes = []
    volume, index = memory_b, 0
    while volume > LAST_ROUND_THRESHOLD_BYTES and index < pass_limit:
        passes.append(Pass(index, volume, volume / rate))
        volume = min(memory_b, volume * ratio)
        index += 1
    passes.append(Pass(index, volume, volume / rate, final=True))
    return tuple(passes)


@dataclass(frozen=True)
class _Wave:
    """One wave of ``concurrent`` identical moves: per-VM figures."""

    total_s: float
    downtime_s: float
    bytes_sent: float
    storage_s: float
    passes: tuple[Pass, ...]
    rates: dict


def _live_wave(c: int, memory_b: float, disk_b: float, link_b: float, link_share: int, dirty_b: float,
               option: str, pass_limit: int, storage_b: float) -> _Wave:
    """A live (disk_b == 0) or shared-nothing move: optional storage copy, then pre-copy of memory."""
    share = link_b / (c * link_share)
    rate = _memory_rate(option, share, c)
    passes = _precopy(memory_b, rate, dirty_b, pass_limit)
    copy_s = sum(p.seconds for p in passes)
    rates = {"memory_rate_bytes_per_s": rate}
    storage_s = 0.0
    if disk_b:
        # Disk blocks are not run through the memory compressor; the copy is bound by the slower of link and disk.
        disk_rate = min(_transport_rate(option, share, c), storage_b / c)
        storage_s = disk_b / disk_rate
        rates["disk_rate_bytes_per_s"] = disk_rate
    return _Wave(
        total_s=SETUP_S + storage_s + copy_s + RESUME_S,
        downtime_s=passes[-1].seconds + RESUME_S,
        bytes_sent=disk_b + sum(p.bytes for p in passes),
        storage_s=storage_s,
        passes=passes,
        rates=rates,
    )


def _quick_wave(c: int, memory_b: float, storage_b: float) -> _Wave:
    """Save memory to shared storage, hand the role over, restore: the VM is down throughout."""
    total = 2 * memory_b / (storage_b / c) + QUICK_HANDOVER_S
    return _Wave(total, total, 0.0, 0.0, (), {"storage_rate_bytes_per_s": storage_b / c})


def _copy_wave(c: int, data_b: float, storage_b: float) -> _Wave:
    """A file copy inside the host's storage (storage migration, export): no downtime, nothing between hosts."""
    seconds = data_b / (storage_b / c)
    return _Wave(seconds, 0.0, 0.0, seconds, (), {"storage_rate_bytes_per_s": storage_b / c})


def _check_number(name: str, value: float, *, positive: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number (got {value!r})")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'greater than 0' if positive else 'non-negative'} (got {value:g})")


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1 (got {value!r})")


def _validate(kind: str, memory_mb: float, demand_mb: float | None, link_gbps: float, dirty_mb_s: float,
              option: str, os: str, disk_gb: float, vms: int, parallel: int, storage_mb_s: float,
              link_share: int) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}': expected one of {', '.join(KINDS)}")
    if option not in OPTIONS:
        raise ValueError(f"unknown option '{option}': expected one of {', '.join(OPTIONS)}")
    if os not in PASS_LIMITS:
        raise ValueError(f"unknown os '{os}': expected one of {', '.join(PASS_LIMITS)}")
    if kind in ("live", "shared-nothing") and os == "WindowsServer2012" and option != "TCPIP":
        raise ValueError(f"option {option} does not exist on WindowsServer2012, which only has TCP/IP (TCPIP); "
                         f"Compression and SMB arrived in WindowsServer2012R2")
    _check_number("memory_mb", memory_mb)
    if memory_mb == 0 and kind in ("live", "quick", "shared-nothing"):
        raise ValueError(f"memory_mb must be greater than 0 for a {kind} migration: a running VM has memory")
    if demand_mb is not None:
        _check_number("demand_mb", demand_mb)
        if demand_mb > memory_mb:
            raise ValueError(f"demand_mb ({demand_mb:g}) cannot exceed memory_mb ({memory_mb:g}): "
                             f"a VM cannot use more memory than it is assigned")
    _check_number("link_gbps", link_gbps, positive=True)
    _check_number("dirty_mb_s", dirty_mb_s)
    _check_number("disk_gb", disk_gb)
    _check_number("storage_mb_s", storage_mb_s, positive=True)
    _check_count("vms", vms)
    _check_count("parallel", parallel)
    _check_count("link_share", link_share)
    if kind == "export" and os == "WindowsServer2012" and (demand_mb is None or demand_mb > 0):
        raise ValueError("WindowsServer2012 exports only a VM that is off, so there is no memory state to copy: "
                         "pass demand_mb=0 (exporting a running VM arrived in WindowsServer2012R2)")


def _live_parameters(option: str, link_gbps: float, link_share: int, dirty_mb_s: float, pass_limit: int) -> dict:
    """The inputs and constants a live memory transfer uses, for ``MigrationEstimate.parameters``."""
    params = {"option": option, "link_gbps": link_gbps, "link_share": link_share,
              "ethernet_efficiency": ETHERNET_EFFICIENCY, "dirty_mb_s": dirty_mb_s, "pass_limit": pass_limit,
              "last_round_threshold_bytes": LAST_ROUND_THRESHOLD_BYTES, "setup_s": SETUP_S, "resume_s": RESUME_S}
    if option == "SMB":
        params["smb_memory_bound_bytes_per_s"] = SMB_MEMORY_BOUND_BYTES_S
    else:
        params["tcp_stream_cap_bytes_per_s"] = TCP_STREAM_CAP_BYTES_S
    if option == "Compression":
        params |= {"compression_ratio": COMPRESSION_RATIO, "compression_cpu_bytes_per_s": COMPRESSION_CPU_BYTES_S}
    return params


def estimate(kind: str, *, memory_mb: float, demand_mb: float | None = None, link_gbps: float = 1.0,
             dirty_mb_s: float = 0.0, option: str = "Compression", os: str = "WindowsServer2012R2",
             disk_gb: float = 0.0, vms: int = 1, parallel: int = 2, storage_mb_s: float | None = None,
             link_share: int = 1) -> MigrationEstimate:
    """Estimate a move of ``vms`` identical VMs, at most ``parallel`` at a time.

    ``kind``: live | quick | shared-nothing | storage | export. ``memory_mb``: memory assigned to each VM;
    ``demand_mb``: memory in use, which is what has to be sent (default ``memory_mb × DEFAULT_DEMAND_FRACTION``;
    0 for a VM that is off). ``link_gbps``: the migration link; ``link_share``: migrations on that link at the
    same time, this one included (it gets 1/link_share of the link, then shares that among its own ``parallel``
    moves). ``dirty_mb_s``: how fast the guest writes memory. ``option``: TCPIP | Compression | SMB.
    ``os``: WindowsServer2012 | WindowsServer2012R2 (pass limit, available options). ``disk_gb``: storage to copy
    (shared-nothing, storage, export). ``storage_mb_s``: storage throughput (default ``DEFAULT_STORAGE_MB_S``).

    ``total_s`` is the batch's makespan, ``downtime_s`` the longest a VM is unreachable; ``passes`` are one VM's
    memory passes in the busiest wave. Raises ``ValueError`` for impossible input.
    """
    storage = DEFAULT_STORAGE_MB_S if storage_mb_s is None else storage_mb_s
    _validate(kind, memory_mb, demand_mb, link_gbps, dirty_mb_s, option, os, disk_gb, vms, parallel, storage,
              link_share)
    demand = memory_mb * DEFAULT_DEMAND_FRACTION if demand_mb is None else demand_mb
    memory_b, disk_b, storage_b = float(demand) * MB, float(disk_gb) * GB, float(storage) * MB
    params: dict = {"kind": kind, "vms": vms, "parallel": parallel, "os": os}

    if kind in ("live", "shared-nothing"):
        moved_disk_b = disk_b if kind == "shared-nothing" else 0.0
        run = partial(_live_wave, memory_b=memory_b, disk_b=moved_disk_b, link_b=link_rate_bytes_per_s(link_gbps),
                      link_share=link_share, dirty_b=dirty_mb_s * MB, option=option, pass_limit=PASS_LIMITS[os],
                      storage_b=storage_b)
        params |= _live_parameters(option, link_gbps, link_share, dirty_mb_s, PASS_LIMITS[os])
        if kind == "shared-nothing":
            params |= {"disk_gb": disk_gb, "storage_mb_s": storage}
    elif kind == "quick":
        run = partial(_quick_wave, memory_b=memory_b, storage_b=storage_b)
        params |= {"storage_mb_s": storage, "handover_s": QUICK_HANDOVER_S}
    else:
        run = partial(_copy_wave, data_b=disk_b + (memory_b if kind == "export" else 0.0), storage_b=storage_b)
        params |= {"disk_gb": disk_gb, "storage_mb_s": storage}
    if kind != "storage":
        params |= {"memory_mb": memory_mb, "demand_mb": demand,
                   "demand_source": "given" if demand_mb is not None else
                   f"default: memory_mb × {DEFAULT_DEMAND_FRACTION:.3f} (Dynamic Memory's 20 % buffer)"}
    return _batch(kind, vms, parallel, run, params)


def _batch(kind: str, vms: int, parallel: int, run: Callable[[int], _Wave], params: dict) -> MigrationEstimate:
    """Run the batch as waves: ``vms // size`` full waves of ``size`` moves, then one smaller wave if any."""
    size = min(parallel, vms)
    full, rest = divmod(vms, size)
    waves = [(run(size), size, full)] + ([(run(rest), rest, 1)] if rest else [])
    first = waves[0][0]
    params |= first.rates
    return MigrationEstimate(
        kind=kind,
        total_s=sum(w.total_s * count for w, _, count in waves),
        downtime_s=max(w.downtime_s for w, _, _ in waves),
        bytes_sent=sum(w.bytes_sent * c * count for w, c, count in waves),
        passes=first.passes,
        storage_s=sum(w.storage_s * count for w, _, count in waves),
        parameters=params,
    )
