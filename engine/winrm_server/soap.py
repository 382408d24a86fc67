"""WS-Management envelopes: parse a request (defusedxml only) and build each response.

Parsing is the door's only job here: no rule about shells or users lives in this module.
Responses follow winrm-wire.md §2: every one echoes ``a:RelatesTo``; CreateResponse carries
``w:Selector Name="ShellId"``; ReceiveResponse carries base64 ``rsp:Stream Name="stdout"/"stderr"``
and one ``rsp:CommandState`` (``Done`` with ``rsp:ExitCode``, or ``Running`` without).

stdout is UTF-8 (code page 65001), not the code page 437 pywinrm asks for with ``WINRS_CODEPAGE``:
the emulator's text is Unicode and decoding it as UTF-8 is what a Python client does by default.
CreateResponse says so in a comment inside ``rsp:Shell``.
"""
from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass
from types import MappingProxyType
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from engine.winrm_server.faults import WSManFault

__all__ = ["Request", "parse_request", "create_response", "command_response", "receive_response",
           "signal_response", "delete_response", "fault", "ACTIONS"]

NS = MappingProxyType({
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "x": "http://schemas.xmlsoap.org/ws/2004/09/transfer",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "p": "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
    "rsp": "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
    "f": "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
})
SHELL = NS["rsp"]
CMD_URI = f"{SHELL}/cmd"
ACTIONS = MappingProxyType({
    "Create": "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create",
    "Delete": "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete",
    "Command": f"{SHELL}/Command",
    "Receive": f"{SHELL}/Receive",
    "Signal": f"{SHELL}/Signal",
})
_FAULT_ACTION = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
_ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
_DURATION = re.compile(r"^P(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)$")
_ENVELOPE_OPEN = "<s:Envelope xml:lang=\"en-US\" " + " ".join(
    f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items() if prefix != "f") + ">"


@dataclass(frozen=True)
class Request:
    """The parts of a WS-Man request the server dispatches on."""

    operation: str                  # a key of ACTIONS
    message_id: str
    shell_id: str | None
    operation_timeout_s: float | None
    body: Element

    def command_line(self) -> str:
        """``rsp:CommandLine/rsp:Command`` (+ ``rsp:Arguments``) of a Command request."""
        line = self.body.find("rsp:CommandLine", NS)
        command = line.find("rsp:Command", NS) if line is not None else None
        if command is None or not (command.text or "").strip():
            raise WSManFault.invalid_body("rsp:CommandLine/rsp:Command is missing.")
        args = [a.text or "" for a in line.findall("rsp:Arguments", NS)]
        return " ".join([command.text.strip(), *args]).strip()

    def command_id(self) -> str:
        """The CommandId a Receive (``rsp:DesiredStream``) or Signal (``rsp:Signal``) is about."""
        node = self.body.find("rsp:Receive/rsp:DesiredStream", NS)
        if node is None:
            node = self.body.find("rsp:Signal", NS)
        command_id = node.get("CommandId") if node is not None else None
        if not command_id:
            raise WSManFault.invalid_body("The CommandId attribute is missing.")
        return command_id


def _text(parent: Element, path: str) -> str | None:
    node = parent.find(path, NS)
    return node.text.strip() if node is not None and node.text and node.text.strip() else None


def parse_duration(text: str) -> float:
    """``PT20S``, ``PT20.000S``, ``PT1M30S`` → seconds."""
    match = _DURATION.match(text.strip())
    if not match or not any(match.groups()):
        raise WSManFault.invalid_body(f"w:OperationTimeout '{text}' is not an xs:duration.")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_request(data: bytes) -> Request:
    """Parse a request body; every problem is a ``WSManFault`` (DTDs and entities are refused outright)."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise WSManFault.invalid_xml(f"DTDs and entity declarations are not allowed ({type(exc).__name__}).")
    except (ParseError, ValueError) as exc:
        raise WSManFault.invalid_xml(str(exc))
    if root.tag != f"{{{NS['s']}}}Envelope":
        raise WSManFault.invalid_xml("The root element is not a SOAP 1.2 s:Envelope.")
    header = root.find("s:Header", NS)
    body = root.find("s:Body", NS)
    if header is None:
        raise WSManFault.header_required("s:Header")
    action = _text(header, "a:Action")
    message_id = _text(header, "a:MessageID")
    for name, value in (("a:Action", action), ("a:MessageID", message_id)):
        if value is None:
            raise WSManFault.header_required(name)
    operation = next((op for op, uri in ACTIONS.items() if uri == action), None)
    if operation is None:
        raise WSManFault.action_not_supported(action)
    timeout = _text(header, "w:OperationTimeout")
    shell_id = None
    for selector in header.findall("w:SelectorSet/w:Selector", NS):
        if selector.get("Name") == "ShellId":
            shell_id = (selector.text or "").strip()
    if operation != "Create" and not shell_id:
        raise WSManFault.header_required("w:SelectorSet/w:Selector[@Name='ShellId']")
    return Request(operation, message_id, shell_id, parse_duration(timeout) if timeout else None,
                   body if body is not None else Element("empty"))


def _envelope(action: str, relates_to: str | None, body: str) -> bytes:
    relates = f"<a:RelatesTo>{escape(relates_to)}</a:RelatesTo>" if relates_to else ""
    header = (f"<s:Header><a:Action>{action}</a:Action><a:MessageID>uuid:{uuid.uuid4()}</a:MessageID>"
              f"<a:To>{_ANONYMOUS}</a:To>{relates}</s:Header>")
    return f'<?xml version="1.0" encoding="UTF-8"?>{_ENVELOPE_OPEN}{header}<s:Body>{body}</s:Body></s:Envelope>'.encode()


def create_response(request: Request, *, shell_id: str, address: str, owner: str, client_ip: str,
                    idle_timeout_s: float) -> bytes:
    """CreateResponse: the ShellId selector pywinrm looks for, plus the rsp:Shell Windows also returns."""
    body = (f"<x:ResourceCreated><a:Address>{escape(address)}</a:Address><a:ReferenceParameters>"
            f"<w:ResourceURI>{CMD_URI}</w:ResourceURI><w:SelectorSet><w:Selector Name=\"ShellId\">{shell_id}"
            f"</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>"
            f"<rsp:Shell><rsp:ShellId>{shell_id}</rsp:ShellId><rsp:ResourceUri>{CMD_URI}</rsp:ResourceUri>"
            f"<rsp:Owner>{escape(owner)}</rsp:Owner><rsp:ClientIP>{escape(client_ip)}</rsp:ClientIP>"
            f"<rsp:IdleTimeOut>PT{idle_timeout_s:.3f}S</rsp:IdleTimeOut><rsp:InputStreams>stdin</rsp:InputStreams>"
            f"<rsp:OutputStreams>stdout stderr</rsp:OutputStreams>"
            "<!-- stdout is UTF-8 (code page 65001), whatever WINRS_CODEPAGE asked for -->"
            "</rsp:Shell>")
    return _envelope(ACTIONS["Create"] + "Response", request.message_id, body)


def command_response(request: Request, command_id: str) -> bytes:
    body = f"<rsp:CommandResponse><rsp:CommandId>{command_id}</rsp:CommandId></rsp:CommandResponse>"
    return _envelope(ACTIONS["Command"] + "Response", request.message_id, body)


def receive_response(request: Request, command_id: str, stdout: bytes, stderr: bytes,
                     exit_code: int | None) -> bytes:
    """ReceiveResponse with one chunk of each stream; ``exit_code`` None means the command is still Running."""
    done = exit_code is not None
    end = ' End="true"' if done else ""
    cid = quoteattr(command_id)
    streams = "".join(f"<rsp:Stream Name=\"{name}\" CommandId={cid}{end}>{base64.b64encode(data).decode()}</rsp:Stream>"
                      for name, data in (("stdout", stdout), ("stderr", stderr)))
    state = f"{SHELL}/CommandState/{'Done' if done else 'Running'}"
    exit_xml = f"<rsp:ExitCode>{exit_code}</rsp:ExitCode>" if done else ""
    body = (f"<rsp:ReceiveResponse>{streams}<rsp:CommandState CommandId={cid} State=\"{state}\">{exit_xml}"
            "</rsp:CommandState></rsp:ReceiveResponse>")
    return _envelope(ACTIONS["Receive"] + "Response", request.message_id, body)


def signal_response(request: Request) -> bytes:
    return _envelope(ACTIONS["Signal"] + "Response", request.message_id, "<rsp:SignalResponse/>")


def delete_response(request: Request) -> bytes:
    return _envelope(ACTIONS["Delete"] + "Response", request.message_id, "")


def fault(error: WSManFault, *, machine: str, relates_to: str | None = None) -> bytes:
    """A SOAP 1.2 Fault with the WSManFault detail pywinrm reads (``s:Detail/f:WSManFault/@Code``)."""
    body = (f"<s:Fault><s:Code><s:Value>{error.code}</s:Value><s:Subcode><s:Value>{error.subcode}</s:Value>"
            f"</s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en-US\">{escape(error.reason)}</s:Text></s:Reason>"
            f"<s:Detail><f:WSManFault xmlns:f=\"{NS['f']}\" Code=\"{error.wsman_code}\" Machine={quoteattr(machine)}>"
            f"<f:Message>{escape(error.reason)}</f:Message></f:WSManFault></s:Detail></s:Fault>")
    return _envelope(_FAULT_ACTION, relates_to, body)
