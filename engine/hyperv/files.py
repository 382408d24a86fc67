"""A small file-system model: files with sizes on host volumes, Cluster Shared Volumes and SMB shares.

A path means different things on different hosts: ``D:\\VMs`` is a local folder of each host, a path under
``C:\\ClusterStorage\\VolumeN`` is one folder shared by the nodes of the cluster that owns the CSV, and a UNC path
is a folder of an SMB share that a host reaches as its computer account (``HV1$``). :func:`location` turns a
(host, path) pair into a location key, checking that the host can reach the path; files are stored by key.
"""
from __future__ import annotations

import ntpath
from dataclasses import asdict, dataclass, field

from engine.hyperv.catalogue import error
from engine.hyperv.state import VM, File, Host, World

CONFIG_GB = 0.001  # configuration and checkpoint descriptors are kilobytes; they only need to exist


def _norm(path: str) -> str:
    return path.rstrip("\\").lower()


def _under(path: str, root: str) -> bool:
    p, r = _norm(path), _norm(root)
    return p == r or p.startswith(r + "\\")


def scope(world: World, host: Host, path: str) -> str | None:
    """Where ``path`` lives as seen from ``host`` (``smb``, ``csv:CLUSTER`` or ``host:NAME``), or None."""
    if path.startswith("\\\\"):
        share = next((s for s in world.smb_shares if _under(path, s.path)), None)
        if share is None or f"{host.name}$".lower() not in {a.lower() for a in share.allowed}:
            return None
        return "smb"
    for cluster in world.clusters:
        if any(_under(path, v) for v in cluster.shared_volumes):
            member = any(n.name.lower() == host.name.lower() for n in cluster.nodes)
            return f"csv:{cluster.name.lower()}" if member else None
    drive = ntpath.splitdrive(path)[0].upper()
    if drive and drive in {v.upper() for v in host.volumes}:
        return f"host:{host.name.lower()}"
    return None


def location(world: World, host: Host, path: str) -> str:
    """The location key prefix for ``path`` on ``host``; the catalogued access or not-found error otherwise."""
    found = scope(world, host, path)
    if found is not None:
        return found
    if path.startswith("\\\\") and any(_under(path, s.path) for s in world.smb_shares):
        raise error("storage.access_denied", target=path, host=host.name, path=path)
    raise error("storage.path_not_found", target=path, host=host.name, path=path)


def key(where: str, path: str) -> str:
    """The storage key of ``path`` at location ``where``."""
    return f"{where}|{_norm(path)}"


def add(world: World, host: Host, path: str, size_gb: float, config: dict | None = None) -> None:
    """Create (or overwrite) a file at ``path`` as seen from ``host``."""
    world.files[key(location(world, host, path), path)] = File(path=path, size_gb=size_gb, config=config)


def find(world: World, host: Host, path: str) -> File | None:
    """The file at ``path`` as seen from ``host``, or None (also when the host cannot reach it)."""
    where = scope(world, host, path)
    return None if where is None else world.files.get(key(where, path))


def remove(world: World, host: Host, path: str) -> File | None:
    """Delete the file at ``path`` as seen from ``host``; returns it (None if it was not there)."""
    where = scope(world, host, path)
    return None if where is None else world.files.pop(key(where, path), None)


def folder_used(world: World, host: Host, folder: str) -> bool:
    """True when any file exists under ``folder`` as seen from ``host``."""
    where = scope(world, host, folder)
    prefix = key(where, folder) + "\\" if where else None
    return prefix is not None and any(k.startswith(prefix) for k in world.files)


def files_under(world: World, host: Host, folder: str) -> list[File]:
    """Files under ``folder`` as seen from ``host``, ordered by path."""
    where = scope(world, host, folder)
    if where is None:
        return []
    prefix = key(where, folder) + "\\"
    return [f for k, f in sorted(world.files.items()) if k.startswith(prefix)]


def checkpoint_file(vm: VM, name: str, folder: str) -> str:
    """The descriptor file of checkpoint ``name`` under ``folder``."""
    return f"{folder}\\Snapshots\\{vm.id}-{name}.xml"


def place_vm(world: World, vm: VM, host: Host) -> None:
    """Create the files of ``vm`` (configuration, VHDs, checkpoints) where its paths say, when reachable."""
    for path, size in vm_files(vm):
        if scope(world, host, path) is not None:
            add(world, host, path, size)


def vm_files(vm: VM) -> list[tuple[str, float]]:
    """(path, size in GB) of every movable file of ``vm``; pass-through disks are not files."""
    out = [(vm.config_file(), CONFIG_GB)]
    out += [(d.path, d.used_gb) for d in vm.vhds if not d.passthrough]
    out += [(checkpoint_file(vm, c.name, c.path), CONFIG_GB) for c in vm.checkpoints]
    return out


def vm_paths(vm: VM) -> list[str]:
    """Every location ``vm`` keeps state in: its folders and its VHDs."""
    return [vm.path, vm.snapshot_path, vm.smart_paging_path] + [d.path for d in vm.vhds if not d.passthrough]


@dataclass
class Layout:
    """Where a VM's storage goes: folders for configuration, checkpoints and smart paging, and moved VHDs."""

    vm_path: str
    snapshot_path: str
    smart_paging_path: str
    vhds: dict[str, str] = field(default_factory=dict)  # source path -> destination path

    def to_dict(self) -> dict:
        """Plain data for a job plan."""
        return asdict(self)


def layout_for(vm: VM, *, destination_storage_path: str | None = None, virtual_machine_path: str | None = None,
               snapshot_file_path: str | None = None, smart_paging_file_path: str | None = None,
               vhds: list[dict] | None = None) -> Layout:
    """The layout the Move wizard's options describe: one folder for all, or a folder per item (reference §3)."""
    if destination_storage_path is not None:
        one = destination_storage_path.rstrip("\\")
        moved = {d.path: f"{one}\\{ntpath.basename(d.path)}" for d in vm.vhds if not d.passthrough}
        return Layout(one, one, one, moved)
    moved = {}
    for item in vhds or []:
        src, dst = item["SourceFilePath"], item["DestinationFilePath"]
        disk = next((d for d in vm.vhds if d.path.lower() == src.lower()), None)
        if disk is None:
            raise error("storage.vhd_not_attached", target=vm.name, vm=vm.name, path=src)
        moved[disk.path] = dst
    return Layout(virtual_machine_path or vm.path, snapshot_file_path or vm.snapshot_path,
                  smart_paging_file_path or vm.smart_paging_path, moved)


def check_layout(world: World, vm: VM, destination: Host, layout: Layout) -> None:
    """Every folder and VHD of ``layout`` must be reachable from ``destination``; pass-through disks never move."""
    if any(d.passthrough for d in vm.vhds):
        raise error("storage.passthrough", target=vm.name, vm=vm.name)
    for path in [layout.vm_path, layout.snapshot_path, layout.smart_paging_path, *layout.vhds.values()]:
        location(world, destination, path)


def moved_gb(vm: VM, layout: Layout) -> float:
    """Data a layout copies: the VHDs it moves (descriptors are negligible)."""
    return sum(d.used_gb for d in vm.vhds if d.path in layout.vhds)


def apply_layout(world: World, vm: VM, source: Host, destination: Host, layout: Layout, *,
                 retain_vhds: bool = False) -> None:
    """Move the files of ``vm`` from ``source``'s view to ``layout`` on ``destination`` and update its paths."""
    old_config = vm.config_file()
    remove(world, source, old_config)
    for cp in vm.checkpoints:
        remove(world, source, checkpoint_file(vm, cp.name, cp.path))
        cp.path = layout.snapshot_path
    for disk in vm.vhds:
        if disk.path in layout.vhds:
            if not retain_vhds:
                remove(world, source, disk.path)
            disk.path = layout.vhds[disk.path]
            add(world, destination, disk.path, disk.used_gb)
    vm.path, vm.snapshot_path, vm.smart_paging_path = layout.vm_path, layout.snapshot_path, layout.smart_paging_path
    add(world, destination, vm.config_file(), CONFIG_GB)
    for cp in vm.checkpoints:
        add(world, destination, checkpoint_file(vm, cp.name, cp.path), CONFIG_GB)
