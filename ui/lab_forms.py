"""Hyper-V Manager's dialogs on the lab page: Hyper-V Settings > Live Migrations, the Move wizard, VM Settings
(Processor > Compatibility, Network Adapter > Protected network, power) and Export/Import.

Each dialog reads its defaults from the lab's current state, shows the PowerShell it stands for
(:mod:`ui.lab_commands`) and runs exactly that through the console (:func:`ui.lab_console.run_command`) when
its button is pressed — in a callback, so the rest of the page already shows the new state on that same run.
Failover Cluster Manager and the AD Delegation tab are in :mod:`ui.lab_cluster_forms`.
"""
from __future__ import annotations

import streamlit as st

from engine.errors import LabError
from ui import lab_commands as cmd
from ui.lab_console import run_command, show_entry

#: Move wizard, first page: what to move.
MOVE_TYPES = {"vm": "Move the virtual machine", "storage": "Move the virtual machine's storage"}
#: Compare-VM's MessageId for "the switch this adapter uses does not exist on the destination".
SWITCH_MISSING = 33012


def apply(lab_id: str, script: str) -> None:
    """Button callback of every dialog: run its script where the console is signed in."""
    st.session_state["_gui_last"] = run_command(lab_id, script, st.session_state["console_host"])


def action(label: str, key: str, lab_id: str, script: str, *, icon: str = ":material/check:") -> None:
    """The dialog's PowerShell, then its OK button."""
    st.caption("Runs this PowerShell where your console is signed in:")
    st.code(script, language="powershell", wrap_lines=True)
    st.button(label, key=key, icon=icon, type="primary", on_click=apply, args=(lab_id, script))


def pick_vm(label: str, key: str, state):
    """A VM picker; options are "<VM> on <host>" because an import can leave two VMs of one name."""
    vms = {f"{v.Name} on {v.ComputerName}": v for v in state.VMs}
    return vms[st.selectbox(label, list(vms), key=key, format_func=lambda o: f"{o} ({vms[o].State})")]


def _source(vm, where: str) -> str | None:
    """-ComputerName for a VM on another server than the console's (Hyper-V Manager connected to it)."""
    return None if vm.ComputerName.lower() == where.lower() else vm.ComputerName


def hyperv_settings(lab_id: str, state) -> None:
    """Hyper-V Settings > Live Migrations, Storage Migrations and Advanced Features of one host."""
    hosts = {h.Name: h for h in state.Hosts}
    host = hosts[st.selectbox("Server", list(hosts), key="gui_hs_host")]
    k = f"gui_hs_{host.Name}"
    enabled = st.checkbox("Enable incoming and outgoing live migrations", host.VirtualMachineMigrationEnabled,
                          key=f"{k}_enabled")
    left, right = st.columns(2)
    max_vm = left.number_input("Simultaneous live migrations", 1, 64, host.MaximumVirtualMachineMigrations,
                               key=f"{k}_maxvm")
    max_storage = right.number_input("Simultaneous storage migrations", 1, 64, host.MaximumStorageMigrations,
                                     key=f"{k}_maxst")
    current = [n.Subnet for n in sorted(host.MigrationNetworks, key=lambda n: n.Priority)]
    use_any = st.radio("Incoming live migrations", [True, False], index=0 if host.UseAnyNetworkForMigration else 1,
                       key=f"{k}_any", format_func=lambda v: "Use any available network for live migration" if v
                       else "Use these IP addresses for live migration")
    typed = st.text_area("IP addresses (one subnet per line, in order of preference)", "\n".join(current),
                         key=f"{k}_nets", disabled=use_any, height=80)
    networks = [line.strip() for line in typed.splitlines() if line.strip()] if not use_any else current
    st.markdown("**Advanced Features**")
    auth = st.radio("Authentication protocol", cmd.AUTHENTICATION, horizontal=True, key=f"{k}_auth",
                    index=cmd.AUTHENTICATION.index(host.VirtualMachineMigrationAuthenticationType),
                    format_func={"CredSSP": "Use Credential Security Support Provider (CredSSP)",
                                 "Kerberos": "Use Kerberos"}.get)
    perf = st.radio("Performance options", cmd.PERFORMANCE, horizontal=True, key=f"{k}_perf",
                    index=cmd.PERFORMANCE.index(host.VirtualMachineMigrationPerformanceOption),
                    format_func={"TCPIP": "TCP/IP", "Compression": "Compression", "SMB": "SMB"}.get)
    action("OK", "gui_hs_ok", lab_id, cmd.live_migration_settings(
        host.Name, enabled=enabled, max_vm=int(max_vm), max_storage=int(max_storage), use_any=use_any,
        networks=networks, current_networks=current, authentication=auth, performance=perf))


def _item_paths(vm, k: str, *, all_items: bool) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The wizard's per-item page: a folder for each item and a path for each disk. For a storage move only
    changed items are moved; a move to another host names them all (nothing can stay behind)."""
    items = {}
    for param, label, now in (("VirtualMachinePath", "Virtual machine configuration", vm.Path),
                              ("SnapshotFilePath", "Checkpoints", vm.SnapshotFileLocation),
                              ("SmartPagingFilePath", "Smart paging", vm.SmartPagingFilePath)):
        value = st.text_input(label, now, key=f"{k}_{param}").strip()
        if all_items or value != now:
            items[param] = value
    vhds = []
    for disk in vm.HardDrives:
        value = st.text_input(f"Virtual hard disk {disk.Path.rsplit(chr(92), 1)[-1]}", disk.Path,
                              key=f"{k}_vhd_{disk.Path}").strip()
        if all_items or value != disk.Path:
            vhds.append((disk.Path, value))
    return items, vhds


def _switch_page(backend, vm, destination: str, where: str, k: str, compare: dict) -> dict[int, str]:
    """The wizard's "Connect Network" page: Compare-VM's report (read through the same Lab operation) and a
    destination switch for each adapter whose switch the destination lacks."""
    if not hasattr(backend, "lab"):
        return {}
    try:
        report = backend.lab.compare_vm(vm.Name, destination, caller=backend.caller_for(where), **compare)
    except LabError as error:
        st.warning(f"The wizard stops here: {error}", icon=":material/warning:")
        return {}
    switches = [s.Name for h in backend.snapshot().Hosts if h.Name == destination for s in h.Switches]
    chosen = {}
    for index, problem in enumerate(report.incompatibilities):
        if problem.message_id == SWITCH_MISSING:
            chosen[index] = st.selectbox(f"Connect '{problem.source.name}' (uses '{problem.source.switch}') to",
                                         switches, key=f"{k}_switch_{index}")
        else:
            st.warning(f"{problem.message} ({problem.message_id})", icon=":material/warning:")
    return chosen


def move_wizard(lab_id: str, state, backend, where: str) -> None:
    """The Move wizard: what to move, where, and how the storage goes (with switch substitution)."""
    vm = pick_vm("Virtual machine", "gui_mv_vm", state)
    kind = st.radio("Choose Move Type", list(MOVE_TYPES), format_func=MOVE_TYPES.get, key="gui_mv_type")
    k = f"gui_mv_{vm.Name}"
    source = _source(vm, where)
    if kind == "storage":
        whole = st.radio("Choose Options for Moving Storage", [True, False], key=f"{k}_st_whole",
                         format_func=lambda v: "Move all of the virtual machine's data to a single location" if v
                         else "Move the virtual machine's data to different locations")
        if whole:
            folder = st.text_input("Folder", vm.Path, key=f"{k}_st_folder").strip()
            script = cmd.move_storage(vm.Name, source=source, folder=folder)
        else:
            items, vhds = _item_paths(vm, f"{k}_st", all_items=False)
            script = cmd.move_storage(vm.Name, source=source, items=items, vhds=vhds)
        action("Finish", "gui_mv_finish", lab_id, script, icon=":material/drive_file_move:")
        return
    others = [h.Name for h in state.Hosts if h.Name.lower() != vm.ComputerName.lower()]
    destination = st.selectbox("Specify Destination Computer", others, key=f"{k}_dest")
    option = st.radio("Choose Move Options", list(cmd.MOVE_OPTIONS), format_func=cmd.MOVE_OPTIONS.get,
                      key=f"{k}_option")
    folder, items, vhds, compare = "", {}, [], {}
    if option == "single":
        folder = st.text_input("Folder on the destination", vm.Path, key=f"{k}_folder").strip()
        compare = {"include_storage": True, "destination_storage_path": folder}
    elif option == "items":
        items, vhds = _item_paths(vm, k, all_items=True)
        compare = {"include_storage": True, "virtual_machine_path": items["VirtualMachinePath"],
                   "snapshot_file_path": items["SnapshotFilePath"],
                   "smart_paging_file_path": items["SmartPagingFilePath"],
                   "vhds": [{"SourceFilePath": s, "DestinationFilePath": d} for s, d in vhds]}
    switches = _switch_page(backend, vm, destination, where, k, compare) if destination else {}
    if destination:
        action("Finish", "gui_mv_finish", lab_id, cmd.move_vm(vm.Name, destination, option, source=source,
                                                              folder=folder, items=items, vhds=vhds,
                                                              switches=switches), icon=":material/move_up:")


def vm_settings(lab_id: str, state, where: str) -> None:
    """VM Settings: Processor > Compatibility, Network Adapter > Advanced Features, and the power buttons."""
    vm = pick_vm("Virtual machine", "gui_vs_vm", state)
    source = _source(vm, where)
    power = st.segmented_control("Power", ["Start", "Shut Down", "Save"], key="gui_vs_power")
    if power:
        action(power, "gui_vs_power_ok", lab_id, cmd.power(vm.Name, power, source=source),
               icon=":material/power_settings_new:")
    st.markdown("**Processor > Compatibility**")
    compat = st.checkbox("Migrate to a physical computer with a different processor version",
                         vm.Processor.CompatibilityForMigrationEnabled, key=f"gui_vs_{vm.Name}_compat")
    action("Apply", "gui_vs_compat_ok", lab_id, cmd.processor_compatibility(vm.Name, compat, source=source))
    for n, adapter in enumerate(vm.NetworkAdapters):
        st.markdown(f"**{adapter.Name} > Advanced Features**")
        protected = st.checkbox("Protected network", not adapter.NotMonitoredInCluster,
                                key=f"gui_vs_{vm.Name}_protected_{n}",
                                help="Move this VM to another cluster node if this network disconnects.")
        action("Apply", f"gui_vs_protected_ok_{n}", lab_id,
               cmd.protected_network(vm.Name, adapter.Name, protected, source=source))


def export_import(lab_id: str, state, backend, where: str) -> None:
    """Hyper-V Manager's Export, and the Import Virtual Machine wizard."""
    vm = pick_vm("Virtual machine to export", "gui_ex_vm", state)
    path = st.text_input("Export to folder", "\\\\FS1\\Exports", key="gui_ex_path").strip()
    action("Export", "gui_ex_ok", lab_id, cmd.export_vm(vm.Name, path, source=_source(vm, where)),
           icon=":material/output:")
    st.divider()
    found = []
    if hasattr(backend, "lab") and path:
        # The wizard's "Locate Folder" page lists the configurations it finds; the lab's file list shows them.
        try:
            found = [f.path for f in backend.lab.list_files(path, caller=backend.caller_for(where))
                     if f.path.lower().endswith(".xml")]
        except LabError:
            found = []
    config = st.selectbox("Virtual machine configuration", found, key="gui_im_config", accept_new_options=True,
                          placeholder="The .xml under <export>\\<VM>\\Virtual Machines")
    kind = st.radio("Choose Import Type", ["register", "restore", "copy"], key="gui_im_type",
                    format_func={"register": "Register the virtual machine in-place (use the existing unique ID)",
                                 "restore": "Restore the virtual machine (use the existing unique ID)",
                                 "copy": "Copy the virtual machine (create a new unique ID)"}.get)
    vm_path = vhd_path = ""
    if kind != "register":
        vm_path = st.text_input("Virtual machine folder", "D:\\VMs", key="gui_im_vmpath").strip()
        vhd_path = st.text_input("Virtual hard disks folder", "D:\\VMs\\Virtual Hard Disks",
                                 key="gui_im_vhdpath").strip()
    if config:
        action("Import", "gui_im_ok", lab_id, cmd.import_vm(config, kind, vm_path=vm_path, vhd_path=vhd_path),
               icon=":material/input:")


def last_result() -> None:
    """What the last dialog's PowerShell printed (also in the console history)."""
    entry = st.session_state.get("_gui_last")
    if entry:
        st.markdown("**Result of the last dialog**")
        show_entry(entry)
