"""The WS-Man request parser on arbitrary bytes and on mutated valid envelopes: the only exception it lets out is
its documented ``WSManFault``, and the fault it leads to renders as a well-formed SOAP envelope."""
from __future__ import annotations

import defusedxml.ElementTree as SafeET
from xml.sax.saxutils import escape, quoteattr

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.winrm_server.faults import WSManFault
from engine.winrm_server.soap import ACTIONS, Request, fault, parse_request
from tests.winrm.test_hostile import envelope

SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
# One valid request per operation, as pywinrm sends them (headers trimmed to what the parser reads).
VALID = [
    envelope(ACTIONS["Create"], extra_header="<w:OperationTimeout>PT20S</w:OperationTimeout>",
             body="<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams></rsp:Shell>"),
    envelope(ACTIONS["Command"], shell_id="11111111-2222",
             extra_header="<w:OperationTimeout>PT20S</w:OperationTimeout>",
             body="<rsp:CommandLine><rsp:Command>powershell -encodedcommand ZQBjAGgAbwA=</rsp:Command>"
                  "<rsp:Arguments>-NoProfile</rsp:Arguments></rsp:CommandLine>"),
    envelope(ACTIONS["Receive"], shell_id="11111111-2222",
             body='<rsp:Receive><rsp:DesiredStream CommandId="ABC">stdout stderr</rsp:DesiredStream></rsp:Receive>'),
    envelope(ACTIONS["Signal"], shell_id="11111111-2222",
             body=f'<rsp:Signal CommandId="ABC"><rsp:Code>{SHELL}/signal/terminate</rsp:Code></rsp:Signal>'),
    envelope(ACTIONS["Delete"], shell_id="11111111-2222"),
]
# Bytes that matter to an XML parser, so mutations hit markup and not only text.
XML_BYTES = [b"<", b">", b"/", b"&", b";", b'"', b"'", b"=", b":", b"<!DOCTYPE x [<!ENTITY e 'y'>]>", b"&e;",
             b"<![CDATA[", b"]]>", b"<?xml version='1.0'?>", b"\x00", b"\xff\xfe", b"\xc3", b"xmlns=''", b"s:",
             b"<!--", b"-->", b"&#0;", b"&#x110000;", b"PT", b"S"]


def outcome(data: bytes) -> WSManFault | Request:
    """Parse, and for a Request also ask what Command/Receive/Signal handlers ask: only WSManFault may escape."""
    try:
        request = parse_request(data)
        if request.operation == "Command":
            request.command_line()
        elif request.operation in ("Receive", "Signal"):
            request.command_id()
        return request
    except WSManFault as exc:
        return exc


def assert_renders(result: WSManFault | Request) -> None:
    if isinstance(result, WSManFault):
        # The fault's reason may quote the input (an unknown Action): it must still be escaped properly.
        SafeET.fromstring(fault(result, machine="HV1", relates_to="uuid:1"))


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes_give_a_request_or_a_fault(data):
    assert_renders(outcome(data))


@st.composite
def mutated(draw) -> bytes:
    """A valid envelope with a few random edits: delete, insert, overwrite, truncate, or duplicate a span."""
    data = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["delete", "insert", "overwrite", "truncate", "duplicate"]))
        span = draw(st.integers(1, 16))
        if kind == "delete":
            del data[at:at + span]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(XML_BYTES) | st.binary(min_size=1, max_size=8))
        elif kind == "overwrite":
            data[at:at + 1] = draw(st.binary(min_size=1, max_size=1))
        elif kind == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at:at + span]
    return bytes(data)


@settings(max_examples=800, deadline=None, derandomize=True)
@given(mutated())
def test_mutated_envelopes_give_a_request_or_a_fault(data):
    assert_renders(outcome(data))


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry at all (escaping cannot help those)."""
    return "".join(c for c in text if c in "\t\n\r" or " " <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sampled_from(list(ACTIONS.values())) | st.text(max_size=40), st.text(max_size=40),
       st.text(max_size=30), st.text(max_size=40))
def test_arbitrary_header_values_give_a_request_or_a_fault(action, shell_id, timeout, command_id):
    """Well-formed XML whose header values are arbitrary (escaped) text: the semantic checks, not the XML
    parser, must turn every bad value into a fault."""
    data = envelope(escape(clean(action)), shell_id=escape(clean(shell_id)) or None,
                    extra_header=f"<w:OperationTimeout>{escape(clean(timeout))}</w:OperationTimeout>",
                    body=f"<rsp:Receive><rsp:DesiredStream CommandId={quoteattr(clean(command_id))}/></rsp:Receive>")
    assert_renders(outcome(data))


def test_every_valid_envelope_parses():
    """Control: before mutation each seed is a request the server accepts."""
    assert [outcome(data).operation for data in VALID] == ["Create", "Command", "Receive", "Signal", "Delete"]
