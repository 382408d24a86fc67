"""Virtual machines: the power-state lifecycle, removal, processor compatibility, network adapters and switches.

Power states follow :data:`VM_TRANSITIONS` (Start-VM, Stop-VM, Save-VM, Suspend-VM, Resume-VM); any other
move raises ``vm.invalid_state``. Remove-VM unregisters a VM that is off or saved and, as on Windows, leaves its
files where they are. Physical adapter state (Enable-/Disable-NetAdapter) lives here too, because
it is what a cable pull looks like to the host; the cluster mixin reacts to it (network health protection).
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from engine.hyperv.caller import Caller, CallerMixin, operation
from engine.hyperv.catalogue import error
from engine.hyperv.state import VM, Adapter, Host, NetAdapter, VSwitch, World

#: (state, action) -> new state. Off and Saved VMs hold no memory; Running and Paused ones do.
VM_TRANSITIONS: Mapping[tuple[str, str], str] = MappingProxyType({
    ("Off", "start"): "Running",
    ("Saved", "start"): "Running",
    ("Running", "stop"): "Off",
    ("Paused", "stop"): "Off",
    ("Running", "save"): "Saved",
    ("Paused", "save"): "Saved",
    ("Running", "suspend"): "Paused",
    ("Paused", "resume"): "Running",
})

ACTIVE_STATES = frozenset({"Running", "Paused"})


def transition(vm: VM, action: str) -> None:
    """Apply ``action`` to ``vm``'s power state or raise the error Hyper-V shows for an illegal one."""
    new_state = VM_TRANSITIONS.get((vm.state, action))
    if new_state is None:
        raise error("vm.invalid_state", target=vm.name, vm=vm.name, action=action, state=vm.state.lower())
    vm.state = new_state


def free_memory_mb(world: World, host: Host) -> int:
    """Memory ``host`` can still give to a VM: capacity minus what is held outside VMs and by active VMs."""
    used = sum(v.memory_mb for v in world.vms_on(host.name) if v.state in ACTIVE_STATES)
    return host.memory_mb - host.reserved_mb - used


class VMsMixin(CallerMixin):
    """VM, adapter and switch operations of :class:`engine.hyperv.lab.Lab`."""

    @operation("Get-VM")
    def get_vm(self, name: str, computer_name: str | None = None, *, caller: Caller | None = None) -> VM:
        """Get-VM -Name: the VM on -ComputerName (else the caller's computer, else anywhere)."""
        return self._find_vm(name, computer_name, caller)

    @operation("Get-VM")
    def get_vm_by_id(self, id: str, computer_name: str | None = None, *, caller: Caller | None = None) -> VM:
        """Get-VM -Id: the VM with this identifier (braces and case do not matter) on -ComputerName, else on the
        caller's computer, else anywhere."""
        wanted = id.strip().strip("{}").lower()
        scope = computer_name or self._caller(caller).computer
        if scope is not None:
            self._target_host(scope, None)
        for vm in self.world.vms:
            if vm.id.lower() == wanted and (scope is None or vm.host.lower() == scope.lower()):
                return vm
        raise error("vm.id_not_found", target=id, vm_id=id)

    @operation("Remove-VM")
    def remove_vm(self, name: str, computer_name: str | None = None, *, caller: Caller | None = None) -> VM:
        """Remove-VM: unregister a VM that is off or saved; its configuration, disks and checkpoints stay on disk
        (Windows deletes none of them). A clustered VM must leave the cluster first."""
        vm = self._find_vm(name, computer_name, caller)
        if vm.cluster is not None:
            raise error("vm.remove_clustered", target=vm.name, vm=vm.name, cluster=vm.cluster)
        if vm.state in ACTIVE_STATES:
            raise error("vm.remove_running", target=vm.name, vm=vm.name, state=vm.state.lower())
        if any(j.vm == vm.name and j.source == vm.host and j.state in ("Queued", "Running") for j in self.world.jobs):
            raise error("vm.busy", target=vm.name, vm=vm.name)
        self.world.vms.remove(vm)
        return vm

    @operation("New-VMSwitch")
    def new_switch(self, name: str, switch_type: str | None = None, computer_name: str | None = None, *,
                   net_adapter_name: str | None = None, caller: Caller | None = None) -> VSwitch:
        """New-VMSwitch: an External switch (``net_adapter_name``: a physical adapter no other switch uses), or an
        Internal or Private one. Switch names are unique on a host."""
        host = self._target_host(computer_name, caller)
        kind = switch_type or ("External" if net_adapter_name else "Internal")
        if host.switch(name) is not None:
            raise error("switch.exists", target=name, name=name, host=host.name)
        if kind == "External":
            if not net_adapter_name:
                raise error("switch.external_needs_adapter", target=name, name=name)
            nic = host.nic(net_adapter_name)
            taken = next((s for s in host.switches if s.nic and s.nic.lower() == nic.name.lower()), None)
            if taken is not None:
                raise error("switch.adapter_in_use", target=name, nic=nic.name, host=host.name, switch=taken.name)
            switch = VSwitch(name, "External", nic.name)
        elif net_adapter_name:
            raise error("switch.adapter_not_external", target=name, type=kind)
        else:
            switch = VSwitch(name, kind, None)
        host.switches.append(switch)
        return switch

    @operation("Get-VMSwitch")
    def get_switch(self, name: str, computer_name: str | None = None, *, caller: Caller | None = None) -> VSwitch:
        """Get-VMSwitch -Name on a host."""
        switch = self._target_host(computer_name, caller).switch(name)
        if switch is None:
            raise error("switch.not_found", target=name, name=name)
        return switch

    def _power(self, name: str, action: str, computer_name: str | None, caller: Caller | None) -> VM:
        vm = self._find_vm(name, computer_name, caller)
        if action == "start" and (vm.state, action) in VM_TRANSITIONS:
            if free_memory_mb(self.world, self.world.host(vm.host)) < vm.memory_mb:
                raise error("vm.out_of_memory", target=vm.name, vm=vm.name)
        transition(vm, action)
        return vm

    @operation("Start-VM")
    def start_vm(self, name: str, computer_name: str | None = None, *, caller: Caller | None = None) -> VM:
        """Start-VM (also resumes a saved VM)."""
        return self._power(name, "start", computer_name, caller)

    @operation("Stop-VM")
    def stop_vm(self, name: str, computer_name: str | None = None, *, turn_off: bool = False,
                caller: Caller | None = None) -> VM:
        """Stop-VM: shut down (or, with ``turn_off``, power off) a running or paused VM; both end Off here, as
        the model has no guest operating system that could refuse a shutdown."""
        return self._power(name, "stop", computer_name, caller)

    @operation("Save-VM")
    def save_vm(self, name: str, computer_name: str | None = None, *, caller: Caller | None = None) -> VM:
        """Save-VM."""
        return self._power(name, "save", computer_name, caller)

    @operation("Suspend-VM")
    def suspend_vm(self, name: str, computer_name: str | None = None, *, caller: Caller | None = None) -> VM:
        """Suspend-VM (pause)."""
        return self._power(name, "suspend", computer_name, caller)

    @operation("Resume-VM")
    def resume_vm(self, name: str, computer_name: str | None = None, *, caller: Caller | None = None) -> VM:
        """Resume-VM (from Paused)."""
        return self._power(name, "resume", computer_name, caller)

    @operation("Set-VMProcessor")
    def set_vm_processor(self, vm_name: str, computer_name: str | None = None, *,
                         compatibility_for_migration_enabled: bool | None = None,
                         compatibility_for_older_operating_systems_enabled: bool | None = None,
                         count: int | None = None, caller: Caller | None = None) -> VM:
        """Set-VMProcessor: processor settings change only while the VM is off."""
        vm = self._find_vm(vm_name, computer_name, caller)
        if vm.state != "Off":
            raise error("vm.processor_running", target=vm.name, vm=vm.name, state=vm.state.lower())
        if compatibility_for_migration_enabled is not None:
            vm.compat_migration = bool(compatibility_for_migration_enabled)
        if compatibility_for_older_operating_systems_enabled is not None:
            vm.compat_older_os = bool(compatibility_for_older_operating_systems_enabled)
        if count is not None:
            vm.processor_count = int(count)
        return vm

    def _adapter(self, vm_name: str | None, name: str | None, computer_name: str | None,
                 caller: Caller | None, adapter: Adapter | None) -> tuple[VM | None, Adapter]:
        if adapter is not None:
            owner = next((v for v in self.world.vms if any(a is adapter for a in v.adapters)), None)
            return owner, adapter
        vm = self._find_vm(vm_name or "", computer_name, caller)
        return vm, vm.adapter(name)

    @operation("Connect-VMNetworkAdapter")
    def connect_adapter(self, vm_name: str | None = None, switch_name: str = "", *, name: str | None = None,
                        computer_name: str | None = None, adapter: Adapter | None = None,
                        caller: Caller | None = None) -> Adapter:
        """Connect-VMNetworkAdapter. ``adapter`` may be a compatibility report's Source (a planned VM's adapter),
        which is checked later by Compare-VM against its destination rather than now."""
        vm, target = self._adapter(vm_name, name, computer_name, caller, adapter)
        if vm is not None and self.world.host(vm.host).switch(switch_name) is None:
            raise error("switch.not_found", target=switch_name, name=switch_name)
        target.switch = switch_name
        return target

    @operation("Disconnect-VMNetworkAdapter")
    def disconnect_adapter(self, vm_name: str | None = None, *, name: str | None = None,
                           computer_name: str | None = None, adapter: Adapter | None = None,
                           caller: Caller | None = None) -> Adapter:
        """Disconnect-VMNetworkAdapter."""
        _, target = self._adapter(vm_name, name, computer_name, caller, adapter)
        target.switch = None
        return target

    @operation("Set-VMNetworkAdapter")
    def set_adapter(self, vm_name: str | None = None, *, name: str | None = None,
                    not_monitored_in_cluster: bool | None = None, computer_name: str | None = None,
                    adapter: Adapter | None = None, caller: Caller | None = None) -> Adapter:
        """Set-VMNetworkAdapter -NotMonitoredInCluster (False = the 'Protected network' box is ticked)."""
        _, target = self._adapter(vm_name, name, computer_name, caller, adapter)
        if not_monitored_in_cluster is not None:
            target.protected = not not_monitored_in_cluster
        return target

    @operation("Rename-VMSwitch")
    def rename_switch(self, name: str, new_name: str, computer_name: str | None = None, *,
                      caller: Caller | None = None) -> VSwitch:
        """Rename-VMSwitch: connected adapters stay connected and report the new SwitchName."""
        host = self._target_host(computer_name, caller)
        switch = host.switch(name)
        if switch is None:
            raise error("switch.not_found", target=name, name=name)
        for vm in self.world.vms_on(host.name):
            for a in vm.adapters:
                if a.switch == name:
                    a.switch = new_name
        switch.name = new_name
        return switch

    @operation("Enable-NetAdapter", "Disable-NetAdapter")
    def set_net_adapter_state(self, computer_name: str, name: str, enabled: bool, *,
                              caller: Caller | None = None) -> NetAdapter:
        """Enable-NetAdapter / Disable-NetAdapter on a host; clusters react (network health protection)."""
        host = self._target_host(computer_name, caller)
        nic = host.nic(name)
        nic.status = "Up" if enabled else "Disabled"
        self._network_changed(host)
        return nic

    def _network_changed(self, host: Host) -> None:
        """Hook run after a host's physical network changes; the cluster mixin implements it."""
