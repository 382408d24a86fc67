"""Envelope parsing details that pywinrm does not exercise."""
from __future__ import annotations

import pytest

from engine.winrm_server.faults import WSManFault
from engine.winrm_server.soap import parse_duration, parse_request
from tests.winrm.test_hostile import envelope


@pytest.mark.parametrize("text, seconds", [("PT20S", 20), ("PT20.000S", 20), ("PT1M30S", 90), ("PT1H", 3600),
                                           ("PT0.5S", 0.5)])
def test_operation_timeouts(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["P", "PT", "20", "PT-1S", "P1D"])
def test_bad_durations_are_faults(text):
    with pytest.raises(WSManFault) as info:
        parse_duration(text)
    assert info.value.wsman_code == 2150858791


def test_a_command_request_is_parsed():
    request = parse_request(envelope(
        "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command", shell_id="ABC",
        extra_header="<w:OperationTimeout>PT20S</w:OperationTimeout>", message_id="uuid:1",
        body="<rsp:CommandLine><rsp:Command>powershell</rsp:Command><rsp:Arguments>-enc eAA=</rsp:Arguments>"
             "</rsp:CommandLine>"))
    assert (request.operation, request.shell_id, request.message_id, request.operation_timeout_s) == (
        "Command", "ABC", "uuid:1", 20)
    assert request.command_line() == "powershell -enc eAA="


def test_a_command_without_command_line_is_a_fault():
    request = parse_request(envelope("http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command",
                                     shell_id="ABC"))
    with pytest.raises(WSManFault) as info:
        request.command_line()
    assert "rsp:CommandLine/rsp:Command is missing" in info.value.reason
