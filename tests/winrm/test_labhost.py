"""The emulated lab over real WS-Management: pywinrm → HTTP → the emulator → PowerShell → engine.hyperv."""
from engine.content.loader import REPO_ROOT
from engine.winrm_server import Users
from engine.winrm_server.labhost import make_factory, state_file
from tests.winrm.conftest import PASSWORD, session

TOPOLOGY = REPO_ROOT / "labs" / "topologies" / "standalone-pair.yaml"


def two_users() -> Users:
    digest = Users.single("x", PASSWORD).digests["x"]
    return Users({"alice": digest, "bob": digest})


def test_get_vm_prints_the_console_table(start):
    server = start(make_factory(TOPOLOGY, None))
    result = session(server.endpoints["HV1"]).run_ps("Get-VM | Format-Table Name, State")
    assert result.status_code == 0
    assert result.std_out.decode().splitlines() == ["", "Name State", "---- -----", "VM1  Running", "", ""]


def test_a_winrm_session_is_remote_so_credssp_moves_fail_with_the_real_text(start):
    server = start(make_factory(TOPOLOGY, None))
    s = session(server.endpoints["HV1"])
    assert s.run_ps("Enable-VMMigration -ComputerName HV1, HV2").status_code == 0
    result = s.run_ps("Move-VM VM1 HV2 -IncludeStorage -DestinationStoragePath D:\\VMs\\VM1")
    assert result.status_code == 1
    err = result.std_err.decode()
    assert err.startswith("Move-VM : Virtual machine migration operation failed at migration Source.\n")
    assert "No credentials are available in the security package (0x8009030E)." in err


def test_kerberos_with_delegation_moves_from_a_remote_session(start):
    server = start(make_factory(TOPOLOGY, None))
    s = session(server.endpoints["HV1"])
    script = ("Enable-VMMigration -ComputerName HV1, HV2; Add-VMMigrationNetwork -ComputerName HV2 10.0.1.0/24; "
              "Set-VMHost -ComputerName HV1, HV2 -VirtualMachineMigrationAuthenticationType Kerberos; "
              "Set-ADComputer -Identity HV1 -Add @{'msDS-AllowedToDelegateTo'=@('cifs/HV2',"
              "'Microsoft Virtual System Migration Service/HV2')}; "
              "Move-VM VM1 HV2 -IncludeStorage -DestinationStoragePath D:\\VMs\\VM1; "
              "(Get-VM VM1 -ComputerName HV2).ComputerName")
    result = s.run_ps(script)
    assert (result.status_code, result.std_out.decode().strip()) == (0, "HV2"), result.std_err


def test_the_connection_lands_on_the_host_of_its_port(start):
    server = start(make_factory(TOPOLOGY, None))
    assert session(server.endpoints["HV2"]).run_ps("hostname").std_out.decode().strip() == "HV2"


def test_each_user_has_a_lab_of_their_own(start):
    server = start(make_factory(TOPOLOGY, None), users=two_users())
    session(server.endpoints["HV1"], "alice").run_ps("Enable-VMMigration")
    check = "(Get-VMHost).VirtualMachineMigrationEnabled"
    assert session(server.endpoints["HV1"], "alice").run_ps(check).std_out.decode().strip() == "True"
    assert session(server.endpoints["HV1"], "bob").run_ps(check).std_out.decode().strip() == "False"


def test_labs_are_saved_and_restored_per_user(tmp_path):
    factory = make_factory(TOPOLOGY, tmp_path)
    lab = factory("alice")
    lab.run("Enable-VMMigration", host="HV1")
    lab.save()
    assert state_file(tmp_path, "alice").exists()
    again = make_factory(TOPOLOGY, tmp_path)("alice")
    assert again.run("(Get-VMHost).VirtualMachineMigrationEnabled", host="HV1").stdout.strip() == "True"
    assert make_factory(TOPOLOGY, tmp_path)("bob").run(
        "(Get-VMHost).VirtualMachineMigrationEnabled", host="HV1").stdout.strip() == "False"


def test_state_file_names_never_contain_the_user_name(tmp_path):
    path = state_file(tmp_path, "../../etc/passwd")
    assert path.parent == tmp_path and "passwd" not in path.name
