"""Benchmark of the PowerShell layer: parse + execute of a typical one-liner and of a 50-line script, and the
parse of the WinRM snapshot script (~2.3k characters) without and with the parse cache.

The cmdlets are small fakes over a dict (the Hyper-V emulator is measured elsewhere), so the numbers are the
language core's own cost: tokenizer, LALR parse, binding, pipeline, formatting. The parse-and-execute entries
run the same text again and again, so after the first run they measure execution with a cached parse.
"""
from __future__ import annotations

from bench.harness import summarise, time_ms
from engine.backends.winrm_snapshot import gather_script
from engine.powershell import Cmdlet, Column, Param, PSObject, Runspace, default_registry
from engine.powershell.parser import _parse, clear_parse_cache, parse

ONE_LINER = "Get-FakeVM | Where-Object State -eq Running | Sort-Object MemoryMB -Descending | Select-Object Name, " \
            "MemoryMB -First 3"

SCRIPT = r"""
# inventory of the fake lab
$vms = Get-FakeVM
$running = $vms | Where-Object { $_.State -eq 'Running' }
$off = @($vms | Where-Object State -ne Running)
"Running: $($running.Count), off: $($off.Count)"
$total = 0
foreach ($vm in $vms) {
    if ($vm.MemoryMB -ge 4096) {
        $total += $vm.MemoryMB
    } elseif ($vm.State -like 'Off*') {
        $total += 0
    } else {
        $total += [int]($vm.MemoryMB / 2)
    }
}
"Total: {0:N0} MB" -f $total
$byHost = @{}
foreach ($vm in $vms) {
    $byHost[$vm.ComputerName] = $byHost[$vm.ComputerName] + 1
}
$byHost.Keys | Sort-Object | ForEach-Object { "$_ hosts $($byHost[$_]) VMs" }
$report = $vms | Select-Object Name, State, @{n = 'GB'; e = { $_.MemoryMB / 1024 }}
$report | Sort-Object GB -Descending | Select-Object -First 5 | Format-Table -AutoSize | Out-String
$big = $vms | Where-Object { $_.MemoryMB -gt 2048 -and $_.Name -match 'VM\d+' }
$big | Measure-Object -Property MemoryMB -Sum -Average -Maximum | Out-Null
$names = ($vms | ForEach-Object Name) -join ', '
if ($names -notlike '*VM1*') { throw 'missing VM1' }
for ($i = 0; $i -lt 5; $i++) {
    Set-FakeVM -Name "VM$i" -MemoryMB (1024 * ($i + 1)) -Confirm:$false
}
Set-FakeVM VM2 -MemoryMB 8GB -WhatIf
try {
    Set-FakeVM -Name Nope -MemoryMB 1 -ErrorAction Stop
} catch {
    "caught: $($_.Exception.Message)"
}
$json = Get-FakeVM VM1 | ConvertTo-Json -Compress
$list = Get-FakeVM VM1, VM2 | Format-List Name, State
$h = @{
    Name = 'VM1'
    Memory = 4GB
    Tags = 'a', 'b'
}
$h.Memory / 1GB
$x = 1..20 | Where-Object { $_ % 3 -eq 0 } | ForEach-Object { $_ * $_ }
($x | Measure-Object -Sum).Sum
Get-FakeVM | Sort-Object Name | Select-Object -Last 2 | ForEach-Object { $_.Name.ToUpper() }
$state = (Get-FakeVM VM3).State
"VM3 is $state"
Get-FakeVM | Where-Object Name -In 'VM1', 'VM7' | Format-Table
"done"
"""


def _registry():
    registry = default_registry()
    vms = {f"VM{i}": {"State": "Running" if i % 3 else "Off", "MemoryMB": 1024 * (i % 8 + 1),
                      "ComputerName": f"HV{i % 2 + 1}"} for i in range(12)}

    def get(ctx, params):
        for name in params.get("Name") or list(vms):
            if name in vms:
                ctx.write_output(PSObject([("Name", name), *vms[name].items()], ["Bench.VM"]))
            else:
                ctx.write_error(f"No VM named {name}.", error_id="VMNotFound", category="ObjectNotFound", target=name)

    def set_(ctx, params):
        name = params["Name"]
        if name not in vms:
            ctx.write_error(f"No VM named {name}.", error_id="VMNotFound", category="ObjectNotFound", target=name)
        elif ctx.should_process(name):
            vms[name]["MemoryMB"] = params["MemoryMB"]

    registry.register(Cmdlet("Get-FakeVM", "Bench.GetFakeVMCommand", get,
                             [Param("Name", "string[]", position=0, pipeline_by_name=True)]))
    registry.register(Cmdlet("Set-FakeVM", "Bench.SetFakeVMCommand", set_, [
        Param("Name", "string", mandatory=True, position=0, pipeline_by_name=True),
        Param("MemoryMB", "long", mandatory=True)], supports_should_process=True))
    registry.views.table("Bench.VM", Column("Name"), Column("State"), Column("MemoryMB"), Column("ComputerName"))
    return registry


def run(quick: bool) -> list[dict]:
    """Measure the one-liner (target p50 < 2 ms) and the 50-line script (target p50 < 50 ms)."""
    registry = _registry()
    repeat = 30 if quick else 300
    runspace = Runspace(registry)
    assert not runspace.run(ONE_LINER).errors and len(runspace.run(SCRIPT).errors) == 0
    one_liner = time_ms(lambda: Runspace(registry).run(ONE_LINER), repeat=repeat, warmup=5)
    script = time_ms(lambda: Runspace(registry).run(SCRIPT), repeat=max(repeat // 5, 10), warmup=2)
    snapshot = gather_script(["HV1", "HV2"])
    uncached = time_ms(lambda: _parse(snapshot), repeat=max(repeat // 3, 10), warmup=2)
    cached = time_ms(lambda: parse(snapshot), repeat=repeat, warmup=2)
    script_parse = time_ms(lambda: _parse(SCRIPT), repeat=max(repeat // 3, 10), warmup=2)
    # the snapshot script run on an emulated 2-host, 20-VM cluster host, parsed each time vs parsed once
    backend, gather = _emulated_lab()
    assert not backend.run(gather, host="HV01").errors
    run_uncached = time_ms(lambda: (clear_parse_cache(), backend.run(gather, host="HV01")),
                           repeat=max(repeat // 3, 10), warmup=2)
    run_cached = time_ms(lambda: backend.run(gather, host="HV01"), repeat=max(repeat // 3, 10), warmup=2)
    return [
        summarise("powershell.one_liner.parse_execute", one_liner, "ms", target=2, on="p50",
                  script=ONE_LINER),
        summarise("powershell.script_50_lines.parse_execute", script, "ms", target=50, on="p50",
                  lines=len(SCRIPT.strip().splitlines())),
        summarise("powershell.script_50_lines.parse_uncached", script_parse, "ms"),
        summarise("powershell.snapshot_script.parse_uncached", uncached, "ms", chars=len(snapshot)),
        summarise("powershell.snapshot_script.parse_cached", cached, "ms", target=0.1, on="p50",
                  chars=len(snapshot)),
        summarise("powershell.snapshot_script.run_emulated_parse_each_time", run_uncached, "ms",
                  chars=len(gather)),
        summarise("powershell.snapshot_script.run_emulated_parse_cached", run_cached, "ms", chars=len(gather)),
    ]


def _emulated_lab():
    from bench.bench_hyperv import topology
    from engine.backends.emulated import EmulatedBackend
    lab = topology(clustered=True, vms_count=20, hosts_count=2)
    return EmulatedBackend.from_topology(lab), gather_script(["HV01", "HV02"])


if __name__ == "__main__":
    for entry in run(quick=True):
        print(entry)
