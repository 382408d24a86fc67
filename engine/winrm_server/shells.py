"""WinRS shells and commands: who owns what, limits, and running a script in a worker thread.

A shell belongs to the user who created it on one lab host; any other user (or another host's port)
asking for it gets the "shell not found" fault, exactly as for an id that never existed, so ids leak
nothing. A command runs its script in a daemon worker thread so Receive can wait for it with a bounded
timeout. The run-time cap is enforced by the waiter, not by the worker: Python cannot kill a thread, so
a command that passes its deadline is *declared* Done (exit code 1, an error record) and whatever the
worker returns later is dropped. The user's lock stays held by such a worker until it ends, so that
user's next commands also end at their own deadline instead of running concurrently on one lab.
"""
from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

from engine.winrm_server import clixml
from engine.winrm_server.executor import CommandLineError, ScriptResult, UserHosts, decode_command_line
from engine.winrm_server.faults import WSManFault

__all__ = ["Limits", "Command", "Shell", "ShellRegistry"]


@dataclass(frozen=True)
class Limits:
    """Every resource bound of the server, and why each default is what it is."""

    max_body_bytes: int = 512 * 1024          # Windows' MaxEnvelopeSize is 500 KiB; pywinrm sends < 10 KiB
    command_timeout_s: float = 60.0           # emulated cmdlets finish in ms; a minute means a runaway script
    max_output_bytes: int = 4 * 1024 * 1024   # far above any lab listing, small enough to keep in memory
    max_shells_per_user: int = 8              # run_ps uses one at a time; leaked ones are reaped anyway
    max_commands_per_shell: int = 4           # bounds worker threads per shell (run_ps uses one)
    shell_idle_timeout_s: float = 900.0       # Windows' default IdleTimeout is longer; 15 min frees memory
    max_operation_timeout_s: float = 60.0     # longest a Receive blocks, whatever OperationTimeout asks
    receive_chunk_bytes: int = 256 * 1024     # output per ReceiveResponse (Running until the last chunk)
    max_connections: int = 64                 # open connections (= threads) per lab host listener

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value <= 0:
                raise ValueError(f"limit {name} must be positive, not {value}")
        if self.shell_idle_timeout_s <= self.command_timeout_s:
            raise ValueError("shell_idle_timeout_s must exceed command_timeout_s (a running command is not idle)")


class Command:
    """One command line in a shell: its worker, its output, and how much of it was already received."""

    def __init__(self, command_line: str, *, user: str, host: str, hosts: UserHosts, limits: Limits,
                 clock: Callable[[], float]) -> None:
        self.id = str(uuid.uuid4()).upper()
        self._limits = limits
        self._clock = clock
        self._deadline = clock() + limits.command_timeout_s
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._stdout = b""
        self._stderr = b""
        self._exit_code = 0
        self._sent = (0, 0)
        try:
            script = decode_command_line(command_line)
        except CommandLineError as exc:
            self._finish(ScriptResult("", [str(exc)], 1))
            return
        threading.Thread(target=self._work, args=(script, user, host, hosts), daemon=True,
                         name=f"winrm-command-{self.id[:8]}").start()

    def _work(self, script: str, user: str, host: str, hosts: UserHosts) -> None:
        script_host, lock = hosts.get(user)
        if not lock.acquire(timeout=max(0.0, self._deadline - self._clock())):
            return  # the waiter declares the time-out; the previous command still holds the lab
        try:
            result = script_host.run(script, host=host)
        except Exception as exc:  # a crash in the interpreter must reach the client, not kill the server
            result = ScriptResult("", [f"Internal error in the lab emulator: {type(exc).__name__}: {exc}"], 1)
        finally:
            lock.release()
        self._finish(result)

    def _finish(self, result: ScriptResult) -> None:
        """Store the result once; later calls (a late worker after a time-out) are ignored."""
        with self._lock:
            if self._finished.is_set():
                return
            stdout = result.stdout.encode("utf-8")
            errors = list(result.error_texts)
            exit_code = result.exit_code
            cap = self._limits.max_output_bytes
            if len(stdout) > cap:
                stdout = stdout[:cap].decode("utf-8", "ignore").encode("utf-8")
                errors.append(f"The output exceeded the limit of {cap} bytes; the rest was discarded.")
                exit_code = 1
            self._stdout, self._stderr, self._exit_code = stdout, clixml.encode_errors(errors), exit_code
            self._finished.set()

    def wait(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the command to end; enforce the run-time cap. True when done."""
        remaining = self._deadline - self._clock()
        if self._finished.wait(max(0.0, min(timeout_s, remaining))):
            return True
        if self._clock() >= self._deadline:
            limit = self._limits.command_timeout_s
            self._finish(ScriptResult("", [f"The command exceeded the time limit of {limit:g} s."], 1))
            return True
        return False

    def next_chunk(self) -> tuple[bytes, bytes, int | None]:
        """The next unsent piece of stdout and stderr, and the exit code when nothing is left after it."""
        chunk = self._limits.receive_chunk_bytes
        with self._lock:
            out_at, err_at = self._sent
            out = self._stdout[out_at:out_at + chunk]
            err = self._stderr[err_at:err_at + max(0, chunk - len(out))]
            self._sent = (out_at + len(out), err_at + len(err))
            left = self._sent[0] < len(self._stdout) or self._sent[1] < len(self._stderr)
            return out, err, None if left else self._exit_code


@dataclass
class Shell:
    """A WinRS shell: owner, the lab host it was opened on, its live commands, its last activity."""

    id: str
    owner: str
    host: str
    last_used: float
    commands: dict[str, Command] = field(default_factory=dict)


class ShellRegistry:
    """All open shells of one server, with ownership checks, quotas and idle reaping (thread-safe)."""

    def __init__(self, hosts: UserHosts, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.hosts = hosts
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._shells: dict[str, Shell] = {}

    def create(self, owner: str, host: str) -> Shell:
        with self._lock:
            if sum(1 for s in self._shells.values() if s.owner == owner) >= self.limits.max_shells_per_user:
                raise WSManFault.too_many_shells(self.limits.max_shells_per_user)
            shell = Shell(str(uuid.uuid4()).upper(), owner, host, self._clock())
            self._shells[shell.id] = shell
            return shell

    def get(self, owner: str, host: str, shell_id: str) -> Shell:
        """The shell, touched; another owner's or another host's shell is reported as not found."""
        with self._lock:
            shell = self._shells.get(shell_id.upper())
            if shell is None or shell.owner != owner or shell.host != host:
                raise WSManFault.shell_not_found(shell_id)
            shell.last_used = self._clock()
            return shell

    def delete(self, owner: str, host: str, shell_id: str) -> None:
        shell = self.get(owner, host, shell_id)
        with self._lock:
            self._shells.pop(shell.id, None)

    def start(self, shell: Shell, command_line: str) -> Command:
        """Start a command in ``shell`` (the quota keeps one user from piling up worker threads)."""
        with self._lock:
            if len(shell.commands) >= self.limits.max_commands_per_shell:
                raise WSManFault.too_many_commands(self.limits.max_commands_per_shell)
            command = Command(command_line, user=shell.owner, host=shell.host, hosts=self.hosts,
                              limits=self.limits, clock=self._clock)
            shell.commands[command.id] = command
            return command

    def command(self, shell: Shell, command_id: str) -> Command:
        with self._lock:
            command = shell.commands.get(command_id.upper())
        if command is None:
            raise WSManFault.invalid_body(f"No command with CommandId {command_id} exists in shell {shell.id}.")
        return command

    def terminate(self, shell: Shell, command_id: str) -> None:
        """Signal terminate: forget the command (a still-running worker's result is dropped with it)."""
        with self._lock:
            shell.commands.pop(command_id.upper(), None)

    def reap_idle(self) -> int:
        """Close shells unused for longer than the idle timeout; the number closed."""
        cutoff = self._clock() - self.limits.shell_idle_timeout_s
        with self._lock:
            idle = [sid for sid, shell in self._shells.items() if shell.last_used < cutoff]
            for sid in idle:
                del self._shells[sid]
        return len(idle)

    def count(self) -> int:
        with self._lock:
            return len(self._shells)
