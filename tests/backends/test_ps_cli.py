"""`python -m engine ps`: PowerShell on an emulated lab from the command line, as the console prints it."""
from engine.cli import main


def test_prints_like_the_console_and_exits_0(capsys):
    assert main(["ps", "--topology", "standalone-pair", "-c", "Get-VM | Format-Table Name, State"]) == 0
    assert capsys.readouterr().out == "\nName State\n---- -----\nVM1  Running\n\n\n"


def test_an_error_record_exits_1_and_prints_like_powershell(capsys):
    assert main(["ps", "--topology", "standalone-pair", "-c", "Get-VM VM9"]) == 1
    out = capsys.readouterr().out
    assert out.startswith('Get-VM : Hyper-V was unable to find a virtual machine with name "VM9".\n')
    assert "FullyQualifiedErrorId : InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVMCommand" in out


def test_state_file_carries_the_lab_between_calls(tmp_path, capsys):
    state = tmp_path / "lab.json"
    assert main(["ps", "--topology", "standalone-pair", "--state", str(state), "-c",
                 "Enable-VMMigration -ComputerName HV2"]) == 0
    assert state.exists()
    assert main(["ps", "--topology", "standalone-pair", "--state", str(state), "-c",
                 "(Get-VMHost -ComputerName HV2).VirtualMachineMigrationEnabled"]) == 0
    assert capsys.readouterr().out.strip() == "True"


def test_a_remote_session_cannot_start_a_credssp_move(capsys):
    script = "Enable-VMMigration -ComputerName HV1, HV2; Move-VM -ComputerName HV1 VM1 HV2 -IncludeStorage " \
             "-DestinationStoragePath D:\\VMs\\VM1"
    assert main(["ps", "--topology", "standalone-pair", "--logon", "remote", "-c", script]) == 1
    assert "No credentials are available in the security package (0x8009030E)." in capsys.readouterr().out


def test_script_file_is_run(tmp_path, capsys):
    script = tmp_path / "enable.ps1"
    script.write_text("Enable-VMMigration -ComputerName HV1 -Passthru | Select-Object -ExpandProperty Name\n",
                      encoding="utf-8")
    assert main(["ps", "--topology", "standalone-pair", str(script)]) == 0
    assert capsys.readouterr().out == "HV1\n"


def test_unknown_topology_is_a_usage_error(capsys):
    assert main(["ps", "--topology", "nowhere", "-c", "Get-VM"]) == 2
    assert capsys.readouterr().err.startswith("nowhere: no such file, nor a topology in labs/topologies (")


def test_unknown_logon_host_is_a_usage_error(capsys):
    assert main(["ps", "--topology", "standalone-pair", "--logon", "HV9", "-c", "Get-VM"]) == 2
    assert capsys.readouterr().err == ("--logon: no host named 'HV9' in this lab (hosts: HV1, HV2, or remote)\n")


def test_damaged_state_file_is_a_usage_error(tmp_path, capsys):
    state = tmp_path / "lab.json"
    state.write_text("{not json", encoding="utf-8")
    assert main(["ps", "--topology", "standalone-pair", "--state", str(state), "-c", "Get-VM"]) == 2
    assert "not a saved lab state" in capsys.readouterr().err
