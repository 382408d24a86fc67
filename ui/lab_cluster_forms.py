"""Failover Cluster Manager and the AD computer account's Delegation tab on the lab page.

Like :mod:`ui.lab_forms`: defaults from the lab's state, the PowerShell shown, run through the console.
"""
from __future__ import annotations

import streamlit as st

from ui import lab_commands as cmd
from ui.lab_forms import action


def failover_cluster(lab_id: str, state) -> None:
    """Roles > Move (Live / Quick Migration, Virtual Machine Storage), Nodes > Pause (Drain Roles) / Resume,
    and the cluster's DrainOnShutdown property."""
    if not state.Clusters:
        st.info("This lab has no failover cluster.", icon=":material/info:")
        return
    clusters = {c.Name: c for c in state.Clusters}
    cluster = clusters[st.selectbox("Cluster", list(clusters), key="gui_fc_cluster")]
    nodes = [n.Name for n in cluster.Nodes]
    roles = {g.Name: g for g in cluster.Groups if g.GroupType == "VirtualMachine"}
    st.markdown("**Roles**")
    if roles:
        role = roles[st.selectbox("Role", list(roles), key="gui_fc_role",
                                  format_func=lambda r: f"{r} (owner {roles[r].OwnerNode}, {roles[r].State})")]
        move = st.radio("Move", ["Live", "Quick", "Storage"], horizontal=True, key="gui_fc_move",
                        format_func={"Live": "Live Migration", "Quick": "Quick Migration",
                                     "Storage": "Virtual Machine Storage"}.get)
        if move == "Storage":
            volumes = [i.FriendlyVolumeName for v in cluster.SharedVolumes for i in v.SharedVolumeInfo]
            volume = st.selectbox("Cluster shared volume", volumes, key="gui_fc_csv")
            vm = next((v for v in state.VMs if v.Name == role.Name), None)
            if volume and vm is not None:
                action("Start", "gui_fc_move_ok", lab_id,
                       cmd.move_storage(vm.Name, folder=f"{volume}\\{vm.Name}"), icon=":material/drive_file_move:")
        else:
            targets = [n for n in nodes if n.lower() != role.OwnerNode.lower()]
            node = st.selectbox("Select Node", targets, key="gui_fc_node")
            if node:
                action("OK", "gui_fc_move_ok", lab_id, cmd.cluster_move(role.Name, node, move),
                       icon=":material/move_up:")
    st.markdown("**Nodes**")
    states = {n.Name: n for n in cluster.Nodes}
    node = st.selectbox("Node", nodes, key="gui_fc_pnode",
                        format_func=lambda n: f"{n} ({states[n].State}, drain {states[n].DrainStatus})")
    pause, resume = st.columns(2)
    with pause:
        action("Pause > Drain Roles", "gui_fc_pause", lab_id, cmd.pause_node(node), icon=":material/pause:")
    with resume:
        back = st.checkbox("Fail Roles Back", True, key="gui_fc_failback")
        action("Resume", "gui_fc_resume", lab_id, cmd.resume_node(node, back), icon=":material/play_arrow:")
    st.markdown("**Cluster properties**")
    drain = st.checkbox("DrainOnShutdown (drain a node's roles before it shuts down)",
                        bool(cluster.DrainOnShutdown), key=f"gui_fc_{cluster.Name}_dos")
    action("Apply", "gui_fc_dos_ok", lab_id, cmd.drain_on_shutdown(cluster.Name, drain))


def delegation_tab(lab_id: str, state) -> None:
    """Active Directory Users and Computers > computer > Properties > Delegation: "Trust this computer for
    delegation to specified services only", "Use Kerberos only", and the services list."""
    if not state.ADComputers:
        st.info("This lab has no Active Directory domain.", icon=":material/info:")
        return
    accounts = {c.Name: c for c in state.ADComputers}
    account = accounts[st.selectbox("Computer", list(accounts), key="gui_ad_computer")]
    domains = {h.Name: h.Domain for h in state.Hosts}
    offered = [entry for host in accounts if host != account.Name
               for service in cmd.DELEGATED_SERVICES
               for entry in cmd.service_entries(service, host, domains.get(host))]
    current = list(account.AllowedToDelegateTo)
    st.caption("Trust this computer for delegation to specified services only · Use Kerberos only")
    chosen = st.multiselect("Services to which this account can present delegated credentials",
                            sorted(set(offered) | set(current)), default=current, key=f"gui_ad_{account.Name}")
    add = [s for s in chosen if s not in current]
    remove = [s for s in current if s not in chosen]
    if add or remove:
        action("OK", "gui_ad_ok", lab_id, cmd.delegation(account.Name, add, remove), icon=":material/key:")
    else:
        st.caption("Add or remove a service to apply a change.")
