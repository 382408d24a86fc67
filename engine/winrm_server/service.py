"""The WS-Man operations (moto's ``responses.py``): parsed request in, response envelope out.

Each operation checks ownership through the ``ShellRegistry`` and renders with ``soap``; it never reads
HTTP and never interprets a script.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.winrm_server import soap
from engine.winrm_server.faults import WSManFault
from engine.winrm_server.shells import ShellRegistry

__all__ = ["Caller", "WSManService"]

DEFAULT_OPERATION_TIMEOUT_S = 20.0  # pywinrm's default, used when a request sends none


@dataclass(frozen=True)
class Caller:
    """Who is asking, and through which lab host's endpoint."""

    user: str
    host: str
    address: str      # the endpoint URL, echoed in CreateResponse
    client_ip: str


class WSManService:
    """Create / Command / Receive / Signal / Delete over one registry of shells."""

    def __init__(self, registry: ShellRegistry) -> None:
        self.registry = registry

    def answers(self, caller: Caller) -> bool:
        """Whether the lab host ``caller`` addresses is up for this user (a ScriptHost without ``answers`` always
        is); the server drops the requests of a host that is not, unanswered."""
        script_host, _ = self.registry.hosts.get(caller.user)
        check = getattr(script_host, "answers", None)
        return True if check is None else bool(check(caller.host))

    def handle(self, request: soap.Request, caller: Caller) -> bytes:
        """The response envelope for ``request``; raises ``WSManFault`` for anything the client got wrong."""
        return getattr(self, f"_{request.operation.lower()}")(request, caller)

    def _create(self, request: soap.Request, caller: Caller) -> bytes:
        shell = self.registry.create(caller.user, caller.host)
        return soap.create_response(request, shell_id=shell.id, address=caller.address, owner=caller.user,
                                    client_ip=caller.client_ip,
                                    idle_timeout_s=self.registry.limits.shell_idle_timeout_s)

    def _command(self, request: soap.Request, caller: Caller) -> bytes:
        shell = self.registry.get(caller.user, caller.host, request.shell_id)
        command = self.registry.start(shell, request.command_line())
        return soap.command_response(request, command.id)

    def _receive(self, request: soap.Request, caller: Caller) -> bytes:
        shell = self.registry.get(caller.user, caller.host, request.shell_id)
        command_id = request.command_id()
        command = self.registry.command(shell, command_id)
        wait = min(request.operation_timeout_s or DEFAULT_OPERATION_TIMEOUT_S,
                   self.registry.limits.max_operation_timeout_s)
        if not command.wait(wait):
            # Windows' answer when nothing was produced within OperationTimeout; pywinrm re-sends Receive.
            raise WSManFault.timed_out()
        stdout, stderr, exit_code = command.next_chunk()
        return soap.receive_response(request, command_id, stdout, stderr, exit_code)

    def _signal(self, request: soap.Request, caller: Caller) -> bytes:
        shell = self.registry.get(caller.user, caller.host, request.shell_id)
        self.registry.terminate(shell, request.command_id())
        return soap.signal_response(request)

    def _delete(self, request: soap.Request, caller: Caller) -> bytes:
        self.registry.delete(caller.user, caller.host, request.shell_id)
        return soap.delete_response(request)
