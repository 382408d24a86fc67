"""Real-host failure modes through a fault-injecting WinRM stand-in on loopback: each reaches the caller as the
transport's typed exception naming the host and the cause, and a learner's lab session survives it intact."""
from __future__ import annotations

import os
import socket
import struct
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType

import pytest

from engine.backends.emulated import EmulatedBackend
from engine.backends.winrm import (HostUnreachableError, ProtocolError, RemoteFaultError, RemoteScriptError, Target,
                                   Targets, TimedOutError, WinRMBackend, WinRMBackendError, WinRMTransport)
from engine.content.loader import load_catalog
from engine.labs.build import emulated_lab
from engine.labs.session import LabSession
from engine.winrm_server import soap
from engine.winrm_server.faults import WSManFault

ENV = {"LAB_USER": "alice", "LAB_PASSWORD": "pw-for-the-stand-in"}
STALL_S = 10            # longer than the client's read time-out (2 s), bounded so a stuck thread cannot outlive us
FAULT_CODE = 2150858843  # ERROR_WINRS_SHELL_NOT_FOUND, as a host that reaped the shell would answer
FAULT_REASON = "The request for the Windows Remote Shell with ShellId S1 failed because the shell was not found."
BROKEN_CLIXML = (b'#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
                 b'<S S="Error">Move-VM : the host crashed mid-rec')


class StandIn(ThreadingHTTPServer):
    """A WinRM endpoint that speaks the protocol correctly (soap's own response builders) except where told
    to misbehave: ``inject = (operation, how)`` with ``how`` one of stall, fault, reset, hangup, truncate,
    garbage, broken-clixml."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _StandInHandler)
        self.inject: tuple[str, str] | None = None
        self.release = threading.Event()
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/wsman"

    def stop(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class _StandInHandler(BaseHTTPRequestHandler):
    server: StandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        request = soap.parse_request(self.rfile.read(int(self.headers["Content-Length"])))
        how = self.server.inject[1] if self.server.inject and self.server.inject[0] == request.operation else None
        if how == "stall":
            self.server.release.wait(STALL_S)
            self.close_connection = True
            return
        if how == "reset":
            # SO_LINGER 0: closing sends RST instead of FIN, as a crashing host or a middlebox does. The descriptor
            # is closed here, because socketserver would send FIN first (shutdown(SHUT_WR)); detach() leaves the
            # socket object (and the handler's file objects on it) harmlessly closed.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            os.close(self.connection.detach())
            self.close_connection = True
            return
        if how == "hangup":  # FIN without an answer: a service that stopped while the request was in flight
            self.close_connection = True
            return
        if how == "fault":
            return self._send(500, soap.fault(WSManFault(FAULT_CODE, FAULT_REASON), machine="HV1",
                                              relates_to=request.message_id))
        if how == "garbage":
            return self._send(200, b"<html><body>Service Unavailable</body>")
        body = self._answer(request, how)
        if how == "truncate":
            return self._send(200, body, cut=len(body) // 2)
        self._send(200, body)

    def _answer(self, request: soap.Request, how: str | None) -> bytes:
        if request.operation == "Create":
            return soap.create_response(request, shell_id="S1", address=self.server.url, owner="alice",
                                        client_ip="127.0.0.1", idle_timeout_s=900)
        if request.operation == "Command":
            return soap.command_response(request, "C1")
        if request.operation == "Receive":
            stderr = BROKEN_CLIXML if how == "broken-clixml" else b""
            return soap.receive_response(request, "C1", b"partial output\r\n", stderr, 1 if stderr else 0)
        if request.operation == "Signal":
            return soap.signal_response(request)
        return soap.delete_response(request)

    def _send(self, status: int, body: bytes, *, cut: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/soap+xml;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:cut])
        if cut is not None:
            self.close_connection = True


@pytest.fixture
def stand_in():
    server = StandIn()
    yield server
    server.stop()


def targets(url: str) -> Targets:
    target = Target(url=url, transport="basic", username_env="LAB_USER", password_env="LAB_PASSWORD",
                    operation_timeout_s=1, read_timeout_s=2)
    return Targets(Path("classroom-targets.yaml"), MappingProxyType({"HV1": target}))


def test_the_stand_in_serves_a_clean_run(stand_in):
    """Control: without an injected fault the stand-in is a working WinRM host."""
    result = WinRMTransport(targets(stand_in.url), ENV).run_ps("HV1", "Get-VM")
    assert (result.stdout, result.stderr, result.exit_code) == ("partial output\r\n", "", 0)


@pytest.mark.parametrize("operation", ["Create", "Receive"])
def test_a_host_that_stalls_is_a_time_out_naming_host_and_limit(stand_in, operation):
    stand_in.inject = (operation, "stall")
    with pytest.raises(TimedOutError) as info:
        WinRMTransport(targets(stand_in.url), ENV).run_ps("HV1", "Get-VM")
    assert str(info.value) == f"HV1: no answer from {stand_in.url} within read_timeout_s=2 s"


@pytest.mark.parametrize("operation", ["Create", "Command", "Receive"])
def test_a_soap_fault_keeps_host_code_and_reason(stand_in, operation):
    stand_in.inject = (operation, "fault")
    with pytest.raises(RemoteFaultError) as info:
        WinRMTransport(targets(stand_in.url), ENV).run_ps("HV1", "Get-VM")
    assert (info.value.host, info.value.wsman_code, info.value.reason) == ("HV1", FAULT_CODE, FAULT_REASON)
    assert str(info.value) == f"HV1: WS-Management fault {FAULT_CODE} from {stand_in.url}: {FAULT_REASON}"


@pytest.mark.parametrize("operation", ["Create", "Command", "Receive"])
def test_a_reset_connection_is_unreachable_and_says_reset(stand_in, operation):
    stand_in.inject = (operation, "reset")
    with pytest.raises(HostUnreachableError) as info:
        WinRMTransport(targets(stand_in.url), ENV).run_ps("HV1", "Get-VM")
    assert str(info.value) == f"HV1: cannot connect to {stand_in.url}: the connection was reset"


def test_a_host_that_hangs_up_without_answering_is_unreachable_and_says_so(stand_in):
    stand_in.inject = ("Command", "hangup")
    with pytest.raises(HostUnreachableError) as info:
        WinRMTransport(targets(stand_in.url), ENV).run_ps("HV1", "Get-VM")
    assert str(info.value) == (f"HV1: cannot connect to {stand_in.url}: the host closed the connection without "
                               "answering")


def test_an_answer_that_is_not_xml_is_a_protocol_error(stand_in):
    stand_in.inject = ("Receive", "garbage")
    with pytest.raises(ProtocolError) as info:
        WinRMTransport(targets(stand_in.url), ENV).run_ps("HV1", "Get-VM")
    assert str(info.value) == (f"HV1: {stand_in.url} gave an answer that is not a WinRM response (ParseError)")


def test_a_response_cut_short_is_a_typed_error_naming_the_host(stand_in):
    stand_in.inject = ("Receive", "truncate")
    with pytest.raises(WinRMBackendError) as info:
        WinRMTransport(targets(stand_in.url), ENV).run_ps("HV1", "Get-VM")
    assert str(info.value) == (f"HV1: the answer from {stand_in.url} was cut short (the connection closed "
                               "mid-response)")


def test_broken_clixml_on_stderr_is_a_script_error_keeping_the_text(stand_in):
    stand_in.inject = ("Receive", "broken-clixml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pywinrm warns that it could not convert the CLIXML; the text is kept
        result = WinRMTransport(targets(stand_in.url), ENV).run_ps("HV1", "Get-VM")
    assert (result.exit_code, result.stdout) == (1, "partial output\r\n")
    with pytest.raises(RemoteScriptError) as info:
        result.check()
    assert str(info.value).startswith("HV1: the script failed: #< CLIXML")
    assert "Move-VM : the host crashed mid-rec" in str(info.value)


# --- a learner's progress over a failing host -------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize("operation, how, error", [
    ("Create", "stall", TimedOutError), ("Command", "fault", RemoteFaultError),
    ("Receive", "reset", HostUnreachableError), ("Receive", "garbage", ProtocolError)])
def test_a_lab_session_keeps_its_progress_when_the_host_fails(stand_in, catalog, operation, how, error):
    lab = catalog.lab("lab-prepare-hosts")
    session = LabSession.start(lab, WinRMBackend(targets(stand_in.url), ENV))
    # Progress made while the host was fine: a hint read, a step checked (on the emulated lab's state, which
    # is what the host would have shown), another step opened.
    assert session.hint("enable") == lab.step("enable").hints[0]
    session.check("enable", EmulatedBackend(emulated_lab(lab, catalog)).snapshot())
    session.open("authentication")
    before, statuses = session.to_json(), session.statuses()
    stand_in.inject = (operation, how)
    with pytest.raises(error) as on_check:
        session.check("authentication")
    with pytest.raises(error) as on_solve:
        session.solve("authentication")
    for raised in (on_check.value, on_solve.value):
        assert raised.host == "HV1" and str(raised).startswith("HV1: ")
    assert session.to_json() == before
    assert (session.statuses(), session.hints_used("enable")) == (statuses, 1)
