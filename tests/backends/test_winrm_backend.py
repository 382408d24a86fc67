"""WinRMBackend over the WinRM emulator on loopback: run(), lab solutions, errors, and the snapshot parser.

Lab solutions: each step's solution runs through WinRMBackend on the step's logon host and through the in-process
EmulatedBackend at the same place; both labs must end in the same state. A WinRM connection is always a remote
(network) session, while EmulatedBackend(host=…) is an interactive console. lab-prepare-hosts and
lab-cluster-moves do not depend on that difference. lab-switch-names does: its moves use CredSSP, which works only
from a console on the source, so from WinRM they fail with 0x8009030E (the double hop). It is adapted: both sides
first switch the hosts to Kerberos with constrained delegation (what lab-kerberos teaches), then run the steps.
Jobs and Clock are compared by neither side: WinRMBackend cannot gather them (tests/winrm/test_parity.py lists
the other gaps).
"""
from __future__ import annotations

import json
import re
import socket
import textwrap

import pytest

from engine.backends.emulated import EmulatedBackend
from engine.backends.winrm import (MAX_SCRIPT_CHARS, CredentialsRejectedError, HostUnreachableError,
                                   RemoteResult, RemoteScriptError, UnknownTargetError, WinRMBackend, load_targets)
from engine.backends.winrm_snapshot import BASE_CHARS, GatherError, gather_script, merge, parse_part
from engine.commands.ps import load_topology
from engine.content.loader import REPO_ROOT, load_catalog
from engine.errors import ContentError
from engine.labs.build import emulated_lab
from engine.powershell.quoting import ps_quote
from engine.winrm_server.labhost import LearnerLab
from tests.winrm.conftest import start  # noqa: F401  (fixture)
from tests.winrm.test_parity import observable, serve_lab, write_targets

STANDALONE = REPO_ROOT / "labs" / "topologies" / "standalone-pair.yaml"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(REPO_ROOT)


# --- run -------------------------------------------------------------------------------------------------------
def test_run_returns_the_console_text_on_the_logon_host(start, tmp_path, monkeypatch):
    backend, _ = serve_lab(start, STANDALONE, tmp_path, monkeypatch)
    assert backend.logon == "HV1"  # the targets file's first host
    result = backend.run("hostname")
    assert (result.output, result.text, result.errors, result.had_errors, result.exit_status) == \
        ([], "HV1\n", [], False, 0)
    assert backend.run("hostname", host="hv2").text == "HV2\n"
    assert backend.run("hostname", host="remote").text == "HV1\n"  # a lab step's "remote" logon


def test_non_ascii_names_survive_the_round_trip(start, tmp_path, monkeypatch):
    backend, hosts = serve_lab(start, STANDALONE, tmp_path, monkeypatch)
    local = EmulatedBackend.from_topology(load_topology(str(STANDALONE))[0])
    script = f"Rename-VMSwitch -Name External -NewName {ps_quote('Extérieur ✓ ‘q’')} -ComputerName HV2"
    assert not backend.run(script).had_errors and not local.run(script, host="HV1").had_errors
    state = backend.snapshot()
    assert [s.Name for s in state.host("HV2").Switches] == ["Extérieur ✓ ‘q’"]
    assert state == observable(local.snapshot())


def test_run_error_records_come_back_as_texts_after_the_output(start, tmp_path, monkeypatch):
    backend, _ = serve_lab(start, STANDALONE, tmp_path, monkeypatch)
    result = backend.run("'before'; Get-VM -Name NoSuchVM; Get-VM -Name Other")
    assert result.had_errors and result.exit_status == 1
    assert len(result.errors) == 2
    assert result.errors[0].startswith("Get-VM : ") and "NoSuchVM" in result.errors[0]
    assert "FullyQualifiedErrorId" in result.errors[0].splitlines()[-1]
    assert "Other" in result.errors[1]
    assert result.text == "before\n" + "".join(e + "\n" for e in result.errors)


def test_logon_and_default_host(start, tmp_path, monkeypatch):
    backend, _ = serve_lab(start, STANDALONE, tmp_path, monkeypatch)
    path = backend.targets.file
    assert WinRMBackend(path, logon="hv2").run("hostname").text == "HV2\n"
    path.write_text(path.read_text(encoding="utf-8") + "default_host: HV2\n", encoding="utf-8")
    assert load_targets(path).default_host == "HV2"
    assert WinRMBackend(path).logon == "HV2"
    with pytest.raises(UnknownTargetError, match="^HV9: not in the targets file"):
        backend.run("hostname", host="HV9")


def test_a_default_host_that_is_not_in_the_file_is_a_content_problem(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(textwrap.dedent("""\
        HV1: {host: a, username_env: U, password_env: P}
        default_host: HV7
    """), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_targets(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:2: default_host: 'HV7' is not a host of this file (hosts: HV1)"]


# --- lab solutions over WinRM ------------------------------------------------------------------------------------
#: Run first on both sides so that moves can start from a remote session (see the module docstring).
KERBEROS = """
Set-VMHost -ComputerName HV1, HV2 -VirtualMachineMigrationAuthenticationType Kerberos
foreach ($pair in @(@('HV1', 'HV2'), @('HV2', 'HV1'))) {
    $to = $pair[1]
    Set-ADComputer -Identity $pair[0] -Add @{'msDS-AllowedToDelegateTo' = @("cifs/$to",
        "Microsoft Virtual System Migration Service/$to")}
}
"""
REMOTE_PREPARATION = {"lab-switch-names": KERBEROS}


@pytest.mark.parametrize("lab_id", ["lab-prepare-hosts", "lab-switch-names", "lab-cluster-moves"])
def test_lab_solutions_over_winrm_reach_the_in_process_state(start, tmp_path, monkeypatch, catalog, lab_id):
    lab = catalog.lab(lab_id)
    topology = catalog.topology(lab.topology)
    hosts = [h.name for h in topology.hosts]
    # Both sides start from the built lab: the topology plus the lab's injected faults.
    server = start(lambda user: LearnerLab(emulated_lab(lab, catalog)), hosts=hosts)
    remote = WinRMBackend(write_targets(tmp_path, server, hosts, monkeypatch), logon=topology.learner.logon)
    local = EmulatedBackend(emulated_lab(lab, catalog))
    assert not lab.setup.script.strip()  # no setup script to run on either side
    if lab_id in REMOTE_PREPARATION:
        assert not remote.run(REMOTE_PREPARATION[lab_id]).had_errors
        assert not local.run(REMOTE_PREPARATION[lab_id], host=topology.learner.logon).had_errors
    for step in lab.steps:
        where = step.logon or topology.learner.logon
        over_winrm, in_process = remote.run(step.solution, host=where), local.run(step.solution, host=where)
        assert not over_winrm.had_errors, (step.id, over_winrm.text)
        assert not in_process.had_errors, (step.id, in_process.text)
    assert remote.snapshot() == observable(local.snapshot())


# --- transport errors --------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_host_that_refuses_connections_is_named(start, tmp_path, monkeypatch):
    backend, _ = serve_lab(start, STANDALONE, tmp_path, monkeypatch)
    path = backend.targets.file
    text = path.read_text(encoding="utf-8")
    dead = f"http://127.0.0.1:{_free_port()}/wsman"
    path.write_text("\n".join(line if not line.startswith("HV2") else line.split("url: ")[0] + f"url: '{dead}', "
                              "transport: basic, username_env: LAB_TEST_USER, password_env: LAB_TEST_PASSWORD}"
                              for line in text.splitlines()) + "\n", encoding="utf-8")
    backend = WinRMBackend(path)
    # Another host answers, so the snapshot goes on without HV2 (it never answered): the note names it and why.
    state = backend.snapshot()
    assert [h.Name for h in state.Hosts] == ["HV1"]
    assert any(re.match(r"^HV2: unreachable \(HV2: cannot connect to .*connection refused", n) for n in backend.notes)
    with pytest.raises(HostUnreachableError, match="^HV2: cannot connect to .*connection refused") as info:
        backend.run("hostname", host="HV2")
    assert info.value.host == "HV2"


def test_a_wrong_password_is_named(start, tmp_path, monkeypatch):
    backend, _ = serve_lab(start, STANDALONE, tmp_path, monkeypatch)
    monkeypatch.setenv("LAB_TEST_PASSWORD", "wrong")
    with pytest.raises(CredentialsRejectedError, match="^HV1: the credentials from LAB_TEST_USER/LAB_TEST_PASSWORD "
                                                       "were rejected") as info:
        backend.snapshot()
    assert info.value.host == "HV1"
    with pytest.raises(CredentialsRejectedError, match="^HV2: "):
        backend.run("hostname", host="HV2")


def test_a_host_whose_gathering_script_prints_no_json_is_a_remote_script_error(start, tmp_path, monkeypatch):
    backend, _ = serve_lab(start, STANDALONE, tmp_path, monkeypatch)
    # (A host shut down no longer serves here: it does not answer at all, see tests/winrm/test_offline_host.py.)
    # HV2 answers, but its Hyper-V cmdlets fail: the gathering script prints errors and no host part.
    real = backend.transport.run_ps

    def run_ps(host, script):
        if host == "HV2":
            return RemoteResult("HV2", "", "Get-VMHost : Hyper-V was unable to find a virtual machine host.", 1)
        return real(host, script)

    monkeypatch.setattr(backend.transport, "run_ps", run_ps)
    with pytest.raises(RemoteScriptError, match="^HV2: the gathering script failed: Get-VMHost : "):
        backend.snapshot()


# --- the script and the parser -------------------------------------------------------------------------------------
def test_the_script_fits_the_command_line_and_quotes_the_host_names():
    assert len(gather_script([f"HV{i}" for i in range(10, 22)])) <= MAX_SCRIPT_CHARS  # a dozen hosts fit
    assert BASE_CHARS < 2400
    script = gather_script(["HV1", "it\u2019s'; Remove-VM *"])
    assert "'it\u2019\u2019s''; Remove-VM *'" in script


def _part(**extra) -> dict:
    """A host's answer as Windows PowerShell 4 writes it, with the quirks the parser must accept."""
    host = {"Name": "HV1", "FullyQualifiedDomainName": "HV1.contoso.com", "VirtualMachineMigrationEnabled": True,
            "VirtualMachineMigrationAuthenticationType": 1, "VirtualMachineMigrationPerformanceOption": 1,
            "MaximumVirtualMachineMigrations": 2, "MaximumStorageMigrations": 2, "UseAnyNetworkForMigration": False,
            "VirtualMachinePath": "D:\\VMs", "VirtualHardDiskPath": "D:\\VHDs", "LogicalProcessorCount": 16,
            "MemoryCapacity": 68719476736}
    vm = {"S": "Running", "I": "6f1c…", "V": {
        "Name": "VM\u00e9", "ComputerName": "HV1", "Status": "Operating normally", "MemoryAssigned": 2**31,
        "MemoryDemand": 2**30, "MemoryStartup": 2**31, "MemoryMaximum": 2**40, "Generation": 2, "Path": "D:\\VMs",
        "SmartPagingFilePath": "D:\\VMs", "ConfigurationLocation": "D:\\VMs", "SnapshotFileLocation": "D:\\VMs",
        "IsClustered": False},
        "R": {"Count": 2, "CompatibilityForMigrationEnabled": True,
              "CompatibilityForOlderOperatingSystemsEnabled": False},
        # A lone adapter arrives as an object; PowerShell 3/4 may wrap an array as {"value": …, "Count": n}.
        "A": {"Name": "Network Adapter", "SwitchName": "External", "Connected": True, "ClusterMonitored": False},
        "D": {"value": [{"P": "D:\\VMs\\a.vhdx", "T": "SCSI", "N": 0, "L": 0}], "Count": 1}, "X": None}
    data = {"H": host, "A": "Kerberos", "P": "Compression", "O": "6.3.9600", "W": [],
            "G": {"Subnet": "10.0.1.0/24", "Priority": 0},
            "N": [{"Name": "LM", "Status": "Up", "LinkSpeed": "10 Gbps"}],
            "V": vm, "C": {"Manufacturer": "GenuineIntel", "Name": "Intel(R) Xeon(R) CPU E5-2670 v2 @ 2.50GHz "},
            "I": [{"N": "LM", "I": "10.0.1.11/24"}], "K": 0}
    data.update(extra)
    # Non-ASCII as the script writes it for a code-page-437 console: \u escapes.
    return json.dumps(data, ensure_ascii=True)


def test_the_parser_accepts_powershell_4_shapes_and_escapes():
    state, notes = merge([parse_part("HV1", "\r\n" + _part() + "\r\n")])
    host, vm = state.Hosts[0], state.VMs[0]
    assert (host.Domain, host.OperatingSystem, host.Online) == ("contoso.com", "WindowsServer2012R2", True)
    assert (host.VirtualMachineMigrationAuthenticationType, host.VirtualMachineMigrationPerformanceOption) == \
        ("Kerberos", "Compression")
    assert host.Processor.Name == "Intel(R) Xeon(R) CPU E5-2670 v2 @ 2.50GHz"
    assert host.NetAdapters[0].IPAddress == "10.0.1.11/24"
    assert [(n.Subnet, n.Priority) for n in host.MigrationNetworks] == [("10.0.1.0/24", 0)]
    assert vm.Name == "VM\u00e9" and vm.NetworkAdapters[0].NotMonitoredInCluster is True
    assert [d.Path for d in vm.HardDrives] == ["D:\\VMs\\a.vhdx"] and vm.Checkpoints == []
    assert state.Clusters == [] and state.Jobs == [] and state.Clock == 0
    assert notes == ["HV1: the ActiveDirectory module (RSAT-AD-PowerShell) is not installed: no AD computer "
                     "accounts from this host", "HV1: the SmbShare module is not available: this host's SMB shares "
                     "are not gathered", "no host has the ActiveDirectory module: ADComputers is empty"]


def test_missing_modules_leave_their_parts_empty_with_a_note():
    part = json.loads(_part())
    for key in ("K", "C", "I"):
        del part[key]
    state, notes = merge([parse_part("HV1", json.dumps(part)), parse_part("HV2", _part(
        D=[{"N": "HV1", "H": "HV1.contoso.com", "A": "cifs/HV2"}], S=[{"N": "VMs", "A": "CONTOSO\\HV2$"}]))])
    hv1 = state.Hosts[0]
    assert state.Clusters == [] and hv1.Processor.Name == "" and hv1.NetAdapters[0].IPAddress == ""
    assert [(a.Name, a.AllowedToDelegateTo) for a in state.ADComputers] == [("HV1", ["cifs/HV2"])]
    assert [(s.Path, s.AccountName) for s in state.SmbShares] == [("\\\\HV1\\VMs", ["CONTOSO\\HV2$"])]
    assert "HV1: the FailoverClusters module is not installed: no cluster information from this host" in notes


def test_an_answer_without_json_is_a_gather_error():
    with pytest.raises(GatherError, match="^HV1: the gathering script printed no JSON"):
        parse_part("HV1", "Get-VMHost : Hyper-V is not installed\n")
