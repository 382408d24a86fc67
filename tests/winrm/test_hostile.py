"""Hostile or broken requests over raw HTTP: each gets a fault (or an HTTP error), and the server stays up."""
from __future__ import annotations

import base64
import http.client
import socket
import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from engine.winrm_server import Limits
from tests.winrm.conftest import PASSWORD, session

AUTH = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
F = "{http://schemas.microsoft.com/wbem/wsman/1/wsmanfault}"


def envelope(action: str = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create", shell_id: str | None = None,
             body: str = "", extra_header: str = "", message_id: str | None = None) -> bytes:
    selector = (f'<w:SelectorSet><w:Selector Name="ShellId">{shell_id}</w:Selector></w:SelectorSet>'
                if shell_id else "")
    mid = f"<a:MessageID>{message_id or f'uuid:{uuid.uuid4()}'}</a:MessageID>" if message_id != "" else ""
    return (
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" '
        'xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">'
        f"<s:Header><a:Action>{action}</a:Action>{mid}{selector}{extra_header}</s:Header>"
        f"<s:Body>{body}</s:Body></s:Envelope>").encode()


def post(url: str, body: bytes, *, auth: str | None = AUTH, path: str = "/wsman", method: str = "POST",
         headers: dict | None = None) -> tuple[int, dict, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    sent = {"Content-Type": "application/soap+xml;charset=UTF-8", **(headers or {})}
    if auth:
        sent["Authorization"] = auth
    conn.request(method, path, body=body, headers=sent)
    response = conn.getresponse()
    result = response.status, dict(response.getheaders()), response.read()
    conn.close()
    return result


def wsman_code(body: bytes) -> int:
    import defusedxml.ElementTree as ET
    return int(ET.fromstring(body).find(f".//{F}WSManFault").get("Code"))


@pytest.fixture
def url(server):
    yield server.endpoints["HV1"]
    # Whatever the test sent, a normal client must still be served afterwards.
    assert session(url_of(server)).run_ps("still up").std_out == b"HV1: still up\n"


def url_of(server) -> str:
    return server.endpoints["HV1"]


def test_missing_credentials_get_401_with_the_basic_challenge(url):
    status, headers, _ = post(url, envelope(), auth=None)
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Basic realm="WSMAN"'


def test_a_malformed_authorization_header_gets_401(url):
    assert post(url, envelope(), auth="Basic !!!notbase64")[0] == 401
    assert post(url, envelope(), auth="Negotiate abc")[0] == 401


def test_a_huge_body_gets_413_and_a_fault_without_being_read(start):
    server = start(limits=Limits(max_body_bytes=4096))
    status, _, body = post(server.endpoints["HV1"], b"<x>" + b"a" * 9000 + b"</x>")
    assert status == 413
    assert wsman_code(body) == 2150859025
    assert b"exceeded the MaxEnvelopeSize quota of 4096 bytes" in body
    assert session(server.endpoints["HV1"]).run_ps("ok").status_code == 0


def test_the_default_body_cap_is_512_kib(url):
    status, _, body = post(url, b"a" * (512 * 1024 + 1))
    assert status == 413


def test_an_entity_bomb_is_refused(url):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b"<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'>&lol2;</s:Envelope>")
    status, _, body = post(url, bomb)
    assert status == 500
    assert wsman_code(body) == 2150858819
    assert b"DTDs and entity declarations are not allowed" in body


def test_an_external_entity_is_refused(url):
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b"<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'>&e;</s:Envelope>")
    status, _, body = post(url, xxe)
    assert status == 500
    assert b"root:" not in body
    assert wsman_code(body) == 2150858819


def test_invalid_xml_is_a_fault(url):
    status, _, body = post(url, b"<s:Envelope><unclosed>")
    assert status == 500
    assert wsman_code(body) == 2150858819


def test_a_non_soap_root_is_a_fault(url):
    status, _, body = post(url, b"<hello/>")
    assert (status, wsman_code(body)) == (500, 2150858819)


def test_an_unknown_action_is_a_fault(url):
    status, _, body = post(url, envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"))
    assert (status, wsman_code(body)) == (500, 2150858771)
    assert b"a:ActionNotSupported" in body


def test_a_missing_message_id_is_a_fault(url):
    status, _, body = post(url, envelope(message_id=""))
    assert (status, wsman_code(body)) == (500, 2150858769)
    assert b"a:MessageID is missing" in body


def test_a_command_without_shell_id_is_a_fault(url):
    status, _, body = post(url, envelope("http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command"))
    assert (status, wsman_code(body)) == (500, 2150858769)


def test_a_wrong_shell_id_is_the_shell_not_found_fault_relating_to_the_request(url):
    mid = f"uuid:{uuid.uuid4()}"
    status, _, body = post(url, envelope("http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive",
                                         shell_id="BOGUS", message_id=mid))
    assert (status, wsman_code(body)) == (500, 2150858843)
    assert f"<a:RelatesTo>{mid}</a:RelatesTo>".encode() in body


def test_a_bad_operation_timeout_is_a_fault(url):
    status, _, body = post(url, envelope(extra_header="<w:OperationTimeout>soon</w:OperationTimeout>"))
    assert (status, wsman_code(body)) == (500, 2150858791)


def test_receive_with_no_output_yet_is_the_timed_out_fault(start):
    from tests.winrm.conftest import SleepyHost
    host = SleepyHost()
    server = start(lambda user: host)
    s = session(server.endpoints["HV1"])
    shell_id = s.protocol.open_shell()
    command_id = s.protocol.run_command(shell_id, "powershell -enc eAA=")
    status, _, body = post(server.endpoints["HV1"], envelope(
        "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive", shell_id=shell_id,
        extra_header="<w:OperationTimeout>PT0.2S</w:OperationTimeout>",
        body=f'<rsp:Receive><rsp:DesiredStream CommandId="{command_id}">stdout stderr</rsp:DesiredStream>'
             "</rsp:Receive>"))
    host.release.set()
    assert (status, wsman_code(body)) == (500, 2150858793)
    assert b"<s:Value>w:TimedOut</s:Value>" in body


def test_other_paths_are_404_and_other_methods_405(url):
    assert post(url, envelope(), path="/")[0] == 404
    assert post(url, envelope(), path="/wsman/../etc")[0] == 404
    status, headers, _ = post(url, b"", method="GET")
    assert status == 405 and headers["Allow"] == "POST"
    assert post(url, b"", method="PUT")[0] == 405


def test_a_chunked_body_is_refused(url):
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        raw.sendall(f"POST /wsman HTTP/1.1\r\nHost: x\r\nAuthorization: {AUTH}\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n".encode())
        assert raw.recv(100).startswith(b"HTTP/1.1 411 ")


def test_the_401_answer_survives_a_large_unread_body(url):
    status, _, _ = post(url, b"a" * (400 * 1024), auth=None)
    assert status == 401


def test_connections_beyond_the_limit_are_closed_at_once(start):
    server = start(limits=Limits(max_connections=2))
    parts = urlsplit(server.endpoints["HV1"])
    idle = [socket.create_connection((parts.hostname, parts.port), timeout=5) for _ in range(2)]
    time.sleep(0.2)  # let the accept loop hand both to their threads
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as extra:
        assert extra.recv(10) == b""
    for sock in idle:
        sock.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            result = session(server.endpoints["HV1"]).run_ps("back")
            break
        except requests.exceptions.ConnectionError:
            time.sleep(0.1)
    else:
        pytest.fail("the server did not accept connections again after the idle ones closed")
    assert result.std_out == b"HV1: back\n"
