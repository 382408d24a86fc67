"""The server through the real pywinrm 0.5.0 client: what a learner's script sees."""
from __future__ import annotations

import base64
import threading
import time

import pytest
import winrm
import winrm.exceptions

from engine.winrm_server import Limits, Users
from tests.winrm.conftest import PASSWORD, SleepyHost, StateHost, session


def test_run_ps_prints_the_script_output_on_the_host_of_the_port(server):
    result = session(server.endpoints["HV2"]).run_ps("Get-VM -Name 'VM1' # ünïcode")
    assert result.status_code == 0
    assert result.std_out.decode("utf-8") == "HV2: Get-VM -Name 'VM1' # ünïcode\n"
    assert result.std_err == b""


def test_each_lab_host_has_its_own_endpoint(server):
    assert list(server.endpoints) == ["HV1", "HV2"]
    assert len(set(server.endpoints.values())) == 2
    assert session(server.endpoints["HV1"]).run_ps("hostname").std_out == b"HV1: hostname\n"


def test_an_error_record_comes_back_as_clean_text_and_exit_code_1(server):
    result = session(server.endpoints["HV1"]).run_ps("fail:boom & <done>")
    assert result.status_code == 1
    assert result.std_out == b"partial\n"
    assert result.std_err.decode() == ("Move-VM : boom & <done>\nAt line:1 char:1\n+ Move-VM\n"
                                       "    + CategoryInfo          : InvalidOperation")


def test_a_command_line_that_is_not_encoded_powershell_fails_with_a_clear_error(server):
    result = session(server.endpoints["HV1"]).run_cmd("ipconfig", ["/all"])
    assert result.status_code == 1
    assert b"this lab host only runs" in result.std_err


def test_an_interpreter_crash_is_an_error_record_and_the_server_stays_up(server):
    s = session(server.endpoints["HV1"])
    result = s.run_ps("crash")
    assert result.status_code == 1
    assert result.std_err.decode() == "Internal error in the lab emulator: RuntimeError: interpreter bug"
    assert s.run_ps("ok").status_code == 0


def test_https_with_a_validated_private_ca(start, tls):
    config, ca_file = tls
    server = start(tls=config)
    url = server.endpoints["HV1"]
    assert url.startswith("https://")
    result = session(url, transport="ssl", server_cert_validation="validate", ca_trust_path=ca_file).run_ps("x")
    assert result.std_out == b"HV1: x\n"


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated")
def test_https_refuses_tls_1_1(start, tls):
    import socket
    import ssl
    config, _ = tls
    server = start(tls=config)
    port = int(server.endpoints["HV1"].rsplit(":", 1)[1].split("/")[0])
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname, client.verify_mode = False, ssl.CERT_NONE
    client.minimum_version = client.maximum_version = ssl.TLSVersion.TLSv1_1
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with pytest.raises(ssl.SSLError):
            client.wrap_socket(raw).do_handshake()


def test_a_wrong_password_is_invalid_credentials(server):
    with pytest.raises(winrm.exceptions.InvalidCredentialsError):
        session(server.endpoints["HV1"], password="wrong").run_ps("x")


def test_an_unknown_user_is_invalid_credentials(server):
    with pytest.raises(winrm.exceptions.InvalidCredentialsError):
        session(server.endpoints["HV1"], user="mallory", password=PASSWORD).run_ps("x")


def test_two_users_have_separate_labs(start):
    users = Users({"alice": Users.single("alice", "a-pw").digests["alice"],
                   "bob": Users.single("bob", "b-pw").digests["bob"]})
    created = []
    server = start(lambda user: created.append(user) or StateHost(), users=users)
    url = server.endpoints["HV1"]
    session(url, "alice", "a-pw").run_ps("set VM1 moved to HV2")
    assert session(url, "bob", "b-pw").run_ps("get").std_out == b"(nothing)\n"
    assert session(url, "alice", "a-pw").run_ps("get").std_out == b"VM1 moved to HV2\n"
    assert sorted(created) == ["alice", "bob"]  # one host per user, created once and kept


def test_another_users_shell_is_not_found(start):
    users = Users({"alice": Users.single("alice", "a-pw").digests["alice"],
                   "bob": Users.single("bob", "b-pw").digests["bob"]})
    url = start(users=users).endpoints["HV1"]
    shell_id = session(url, "alice", "a-pw").protocol.open_shell()
    with pytest.raises(winrm.exceptions.WSManFaultError) as info:
        session(url, "bob", "b-pw").protocol.run_command(shell_id, "powershell -enc AAAA")
    assert info.value.wsman_fault_code == 2150858843
    assert f"ShellId {shell_id} failed because the shell was not found" in info.value.reason


def test_an_unknown_shell_id_is_the_shell_not_found_fault(server):
    with pytest.raises(winrm.exceptions.WSManFaultError) as info:
        session(server.endpoints["HV1"]).protocol.run_command("NO-SUCH-SHELL", "powershell -enc AAAA")
    assert info.value.code == 500
    assert info.value.wsman_fault_code == 2150858843
    assert info.value.fault_subcode == "w:InvalidSelectors"


def test_a_shell_opened_on_one_host_is_unknown_on_another(server):
    shell_id = session(server.endpoints["HV1"]).protocol.open_shell()
    with pytest.raises(winrm.exceptions.WSManFaultError) as info:
        session(server.endpoints["HV2"]).protocol.close_shell(shell_id)
    assert info.value.wsman_fault_code == 2150858843


def test_the_run_time_cap_ends_a_command_with_exit_1_and_a_message(start):
    host = SleepyHost()
    server = start(lambda user: host, limits=Limits(command_timeout_s=0.5))
    began = time.monotonic()
    result = session(server.endpoints["HV1"]).run_ps("Start-Sleep 3600")
    host.release.set()
    assert time.monotonic() - began < 5
    assert result.status_code == 1
    assert result.std_err.decode() == "The command exceeded the time limit of 0.5 s."


def test_receive_times_out_then_the_client_retries_until_done(start):
    host = SleepyHost()
    server = start(lambda user: host)
    threading.Timer(1.5, host.release.set).start()
    s = session(server.endpoints["HV1"], operation_timeout_sec=1, read_timeout_sec=3)
    shell_id = s.protocol.open_shell()
    command_id = s.protocol.run_command(shell_id, "powershell -encodedcommand " + "eAA=")
    with pytest.raises(winrm.exceptions.WinRMOperationTimeoutError):
        s.protocol.get_command_output_raw(shell_id, command_id)
    assert s.protocol.get_command_output(shell_id, command_id) == (b"woke up\n", b"", 0)


def test_large_output_arrives_in_chunks_marked_running(start):
    server = start(limits=Limits(receive_chunk_bytes=1000))
    s = session(server.endpoints["HV1"])
    shell_id = s.protocol.open_shell()
    command_id = s.protocol.run_command(
        shell_id, "powershell -EncodedCommand " + base64.b64encode("big:2500".encode("utf-16-le")).decode())
    first = s.protocol.get_command_output_raw(shell_id, command_id)
    assert first == (b"x" * 1000, b"", -1, False)
    assert s.protocol.get_command_output(shell_id, command_id) == (b"x" * 1500, b"", 0)
    assert s.run_ps("big:2500").std_out == b"x" * 2500


def test_output_over_the_cap_is_cut_with_an_error_record(start):
    server = start(limits=Limits(max_output_bytes=100))
    result = session(server.endpoints["HV1"]).run_ps("big:5000")
    assert result.std_out == b"x" * 100
    assert result.status_code == 1
    assert result.std_err.decode() == "The output exceeded the limit of 100 bytes; the rest was discarded."


def test_the_shell_quota_per_user(start):
    server = start(limits=Limits(max_shells_per_user=2))
    s = session(server.endpoints["HV1"])
    s.protocol.open_shell()
    s.protocol.open_shell()
    with pytest.raises(winrm.exceptions.WSManFaultError) as info:
        s.protocol.open_shell()
    assert info.value.wsman_fault_code == 2150859173
    assert "maximum number of 2 shells" in info.value.reason


def test_idle_shells_are_reaped(start):
    server = start(limits=Limits(command_timeout_s=0.1, shell_idle_timeout_s=0.4))
    s = session(server.endpoints["HV1"])
    shell_id = s.protocol.open_shell()
    deadline = time.monotonic() + 5
    while server.registry.count() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.registry.count() == 0
    with pytest.raises(winrm.exceptions.WSManFaultError):
        s.protocol.close_shell(shell_id)


def test_run_ps_closes_its_shell(server):
    session(server.endpoints["HV1"]).run_ps("x")
    assert server.registry.count() == 0

