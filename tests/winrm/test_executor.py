"""Decoding the command line pywinrm (and other clients) send; the per-user host table."""
from __future__ import annotations

import base64

import pytest

from engine.winrm_server.executor import CommandLineError, UserHosts, decode_command_line


def encoded(script: str) -> str:
    return base64.b64encode(script.encode("utf-16-le")).decode()


@pytest.mark.parametrize("flag", ["-encodedcommand", "-EncodedCommand", "-enc", "-ENC", "-Encoded"])
def test_the_encoded_flag_is_matched_case_insensitively(flag):
    assert decode_command_line(f"powershell {flag} {encoded('Get-VM ü')}") == "Get-VM ü"


def test_common_switches_before_the_script_are_accepted():
    line = f"PowerShell.exe -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand {encoded('x')}"
    assert decode_command_line(line) == "x"


@pytest.mark.parametrize("line, message", [
    ("cmd /c dir", "'cmd' is not recognized: this lab host only runs 'powershell -EncodedCommand <base64>'"),
    ("", "'' is not recognized"),
    ("powershell -Command Get-VM", "the parameter '-Command' is not supported by this lab host"),
    ("powershell -NoProfile", "-EncodedCommand <base64> is required"),
    ("powershell -enc ***", "is not base64 of UTF-16-LE text"),
    ("powershell -e " + encoded("x"), "the parameter '-e' is not supported"),
])
def test_other_command_lines_are_refused_with_a_clear_message(line, message):
    with pytest.raises(CommandLineError) as info:
        decode_command_line(line)
    assert message in str(info.value)


def test_a_users_host_is_created_on_first_use_and_kept():
    made = []
    hosts = UserHosts(lambda user: made.append(user) or object())
    first, lock = hosts.get("alice")
    assert hosts.get("alice") == (first, lock)
    hosts.get("bob")
    assert made == ["alice", "bob"]
    assert set(hosts.created()) == {"alice", "bob"}
