"""The seam between the WS-Man door and whatever runs PowerShell: ``ScriptHost``.

The server never interprets a script. It decodes the command line pywinrm sends
(``powershell -encodedcommand <base64 of UTF-16-LE>``) and hands the script text to the
learner's own ``ScriptHost``, which owns that learner's emulated lab. The real factory (a
PowerShell runspace over a per-user ``engine.hyperv.Lab``) lives in ``engine.winrm_server.labhost`` as
``make_factory(topology_path: Path, state_dir: Path | None) -> ScriptHostFactory``; tests inject fakes.
The factory is called once per user, from a request thread; each host's ``run`` is never called
concurrently (see ``UserHosts``), but may be abandoned mid-run when a command passes its time limit.

A ScriptHost may also implement ``SavesState`` (``save()``); ``serve-winrm --state-dir`` calls it on
shutdown. Restoring is the factory's job: it receives the state folder and loads a user's lab when it
creates that user's host.
"""
from __future__ import annotations

import base64
import binascii
import threading
from dataclasses import dataclass, field
from typing import Callable, Protocol, runtime_checkable

__all__ = ["ScriptHost", "ScriptResult", "ScriptHostFactory", "SavesState", "UserHosts", "CommandLineError",
           "decode_command_line"]


@dataclass
class ScriptResult:
    """What one script run produced, as the console would show it."""

    stdout: str
    error_texts: list[str] = field(default_factory=list)
    exit_code: int = 0


class ScriptHost(Protocol):
    """One per learner (isolation): owns that learner's emulated lab."""

    def run(self, script: str, *, host: str) -> ScriptResult:
        """Run ``script`` as if typed on lab host ``host`` (the one the connection reached)."""


ScriptHostFactory = Callable[[str], ScriptHost]


@runtime_checkable
class SavesState(Protocol):
    """Optional: a ScriptHost that can persist its lab (called on server shutdown)."""

    def save(self) -> None:
        """Write the lab state wherever the factory said (its state folder)."""


class UserHosts:
    """Each user's ScriptHost, created by the factory on first use and kept for the server's life.

    Runs of one user's host are serialised by a per-user lock: a lab is one mutable object and the
    interpreter is not required to be thread-safe, while different users never wait for each other.
    """

    def __init__(self, factory: ScriptHostFactory) -> None:
        self._factory = factory
        self._guard = threading.Lock()
        self._hosts: dict[str, tuple[ScriptHost, threading.Lock]] = {}

    def get(self, user: str) -> tuple[ScriptHost, threading.Lock]:
        """The user's host and the lock that serialises its runs (creating both on first use)."""
        with self._guard:
            if user not in self._hosts:
                self._hosts[user] = (self._factory(user), threading.Lock())
            return self._hosts[user]

    def created(self) -> dict[str, ScriptHost]:
        """A copy of the hosts created so far, by user."""
        with self._guard:
            return {user: pair[0] for user, pair in self._hosts.items()}


class CommandLineError(ValueError):
    """The command line is not one this emulator runs; the message is shown to the client on stderr."""


_ENCODED_FLAG_MIN = 3  # "-enc"; shorter prefixes collide with other powershell.exe parameters
_NO_VALUE_SWITCHES = frozenset({"-noprofile", "-noninteractive", "-nologo"})


def decode_command_line(command_line: str) -> str:
    """The script inside ``powershell [-NoProfile …] -EncodedCommand <base64>``.

    ``-encodedcommand`` is matched case-insensitively, as any prefix from ``-enc`` (what pywinrm,
    Ansible and PowerShell users actually send). Anything else is refused: the emulator runs
    PowerShell only, never a command of the machine it runs on.
    """
    tokens = command_line.split()
    if not tokens or tokens[0].lower() not in ("powershell", "powershell.exe"):
        raise CommandLineError(
            f"'{tokens[0] if tokens else ''}' is not recognized: this lab host only runs "
            "'powershell -EncodedCommand <base64>' (use Session.run_ps)")
    encoded = None
    rest = iter(tokens[1:])
    for token in rest:
        flag = token.lower()
        if len(flag) > _ENCODED_FLAG_MIN and "-encodedcommand".startswith(flag):
            encoded = next(rest, None)
        elif flag == "-executionpolicy":
            next(rest, None)
        elif flag not in _NO_VALUE_SWITCHES:
            raise CommandLineError(f"powershell: the parameter '{token}' is not supported by this lab host; "
                                   "send the script with -EncodedCommand")
    if encoded is None:
        raise CommandLineError("powershell: -EncodedCommand <base64> is required by this lab host")
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-16-le")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise CommandLineError(f"powershell: the -EncodedCommand value is not base64 of UTF-16-LE text ({exc})")
