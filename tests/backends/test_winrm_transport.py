"""WinRMTransport against the WinRM emulator and deliberately broken endpoints: results and error mapping."""
from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType

import pytest
import winrm

from engine.backends.winrm import (MAX_SCRIPT_CHARS, CredentialsMissingError, CredentialsRejectedError,
                                   HostUnreachableError, RemoteFaultError, RemoteScriptError, ScriptTooLongError,
                                   Target, Targets, TimedOutError, TLSFailureError, TransportUnavailableError,
                                   WinRMTransport)
from engine.winrm_server import Limits
from tests.winrm.conftest import PASSWORD, ca, session, start, tls  # noqa: F401  (fixtures)

ENV = {"LAB_USER": "alice", "LAB_PASSWORD": PASSWORD}


def transport(url: str, environ=ENV, **options) -> WinRMTransport:
    target = Target(url=url, transport=options.pop("transport", "basic"), username_env="LAB_USER",
                    password_env="LAB_PASSWORD", **options)
    return WinRMTransport(Targets(Path("targets.yaml"), MappingProxyType({"HV1": target})), environ)


def test_a_script_runs_and_returns_text_and_exit_code(start):
    url = start().endpoints["HV1"]
    result = transport(url).run_ps("hv1", "Get-VM ü")
    assert (result.host, result.stdout, result.stderr, result.exit_code) == ("hv1", "HV1: Get-VM ü\n", "", 0)
    assert result.check() is result


def test_powershell_error_records_become_a_remote_script_error_on_check(start):
    result = transport(start().endpoints["HV1"]).run_ps("HV1", "fail:VM1 is busy")
    assert result.exit_code == 1
    assert result.stderr.startswith("Move-VM : VM1 is busy\nAt line:1 char:1")
    with pytest.raises(RemoteScriptError) as info:
        result.check()
    assert str(info.value).startswith("HV1: the script failed: Move-VM : VM1 is busy\n")
    assert info.value.result is result


def test_https_with_the_ca_in_ca_path(start, tls):
    config, ca_file = tls
    url = start(tls=config).endpoints["HV1"]
    result = transport(url, transport="ssl", ca_path=Path(ca_file)).run_ps("HV1", "x")
    assert result.stdout == "HV1: x\n"


def test_an_untrusted_certificate_is_a_tls_failure_naming_host_and_cause(start, tls):
    config, _ = tls
    url = start(tls=config).endpoints["HV1"]
    with pytest.raises(TLSFailureError) as info:
        transport(url, transport="ssl").run_ps("HV1", "x")
    message = str(info.value)
    assert message.startswith(f"HV1: TLS with {url} failed (")
    assert "certificate verify failed" in message
    assert message.endswith("trust the host's CA with ca_path, or set cert_validation: ignore for a throwaway lab")


def test_a_closed_port_is_connection_refused(start):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/wsman"
    with pytest.raises(HostUnreachableError) as info:
        transport(url).run_ps("HV1", "x")
    assert str(info.value) == (f"HV1: cannot connect to {url}: connection refused (is WinRM listening on that "
                               "port? on Windows: winrm quickconfig)")


def test_rejected_credentials_name_the_variables(start):
    url = start().endpoints["HV1"]
    with pytest.raises(CredentialsRejectedError) as info:
        transport(url, {"LAB_USER": "alice", "LAB_PASSWORD": "wrong"}).run_ps("HV1", "x")
    assert str(info.value) == (f"HV1: the credentials from LAB_USER/LAB_PASSWORD were rejected by {url} "
                               "(transport basic)")


def test_a_missing_environment_variable_is_named():
    with pytest.raises(CredentialsMissingError) as info:
        transport("http://127.0.0.1:1/wsman", {"LAB_USER": "alice"}).run_ps("HV1", "x")
    assert str(info.value) == ("HV1: the environment variable LAB_PASSWORD (the password for this host, named in "
                               "targets.yaml) is not set")


class _Slow(BaseHTTPRequestHandler):
    """Accepts a request and never answers within the client's read time-out."""

    def do_POST(self) -> None:
        self.server.release.wait(10)

    def log_message(self, *args) -> None:
        pass


def test_a_host_that_does_not_answer_is_a_time_out():
    slow = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    slow.daemon_threads = True
    slow.release = threading.Event()
    threading.Thread(target=slow.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    url = f"http://127.0.0.1:{slow.server_address[1]}/wsman"
    try:
        with pytest.raises(TimedOutError) as info:
            transport(url, operation_timeout_s=1, read_timeout_s=2).run_ps("HV1", "x")
    finally:
        slow.release.set()
        slow.shutdown()
        slow.server_close()
    assert str(info.value) == f"HV1: no answer from {url} within read_timeout_s=2 s"


def test_a_ws_management_fault_keeps_its_code(start):
    url = start(limits=Limits(max_shells_per_user=1)).endpoints["HV1"]
    session(url).protocol.open_shell()  # uses the only shell alice may have
    with pytest.raises(RemoteFaultError) as info:
        transport(url).run_ps("HV1", "x")
    assert info.value.wsman_code == 2150859173
    assert str(info.value).startswith(f"HV1: WS-Management fault 2150859173 from {url}: The WS-Management "
                                      "service cannot process the request. This user is allowed a maximum")


def test_a_script_too_long_for_cmd_exe_is_refused_before_sending():
    with pytest.raises(ScriptTooLongError) as info:
        transport("http://127.0.0.1:1/wsman").run_ps("HV1", "x" * (MAX_SCRIPT_CHARS + 1))
    assert str(info.value) == (f"HV1: the script has {MAX_SCRIPT_CHARS + 1} characters; WinRM runs it as an "
                               "encoded command line that cmd.exe caps at 8191 characters, so the limit is "
                               f"{MAX_SCRIPT_CHARS}: shorten it or send it in parts")


def test_the_limit_keeps_the_encoded_command_line_under_8191():
    import base64
    line = "powershell -encodedcommand " + base64.b64encode(("ü" * MAX_SCRIPT_CHARS).encode("utf-16-le")).decode()
    assert len(line) < 8191


@pytest.mark.skipif(winrm.transport.HAVE_KERBEROS, reason="pywinrm[kerberos] is installed here")
def test_kerberos_without_the_extra_says_what_to_install():
    with pytest.raises(TransportUnavailableError) as info:
        transport("http://127.0.0.1:1/wsman", transport="kerberos").run_ps("HV1", "x")
    assert str(info.value) == "HV1: transport kerberos needs an optional package: pip install pywinrm[kerberos]"


def test_a_name_that_does_not_resolve_is_unreachable():
    url = "http://no-such-host.invalid:5985/wsman"  # .invalid never resolves (RFC 6761)
    with pytest.raises(HostUnreachableError) as info:
        transport(url).run_ps("HV1", "x")
    assert str(info.value) == f"HV1: cannot connect to {url}: the host name does not resolve (DNS)"
