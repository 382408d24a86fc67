"""The HTTP(S) side: ``ThreadingHTTPServer`` per lab host, Basic auth on every request, size caps, TLS.

``serve(...)`` starts one listener per lab host (base port + the host's index in the topology; port 0
gives each an ephemeral port), a shared registry of shells, and an idle-shell reaper; it returns a
``WinRMServer`` whose ``shutdown()`` stops all of them. Only ``POST /wsman`` is served.

Order of checks on a request: path (404), method (405), Content-Length (411/400), Basic credentials (401
with ``WWW-Authenticate: Basic realm="WSMAN"``), the body cap (413 + fault); only then is the body read
and parsed. A response sent before the body was read closes the connection, so an unread body can never
be mistaken for the next request (a bounded lingering drain lets the client read the answer first); SOAP
faults after a complete read keep the connection alive, as Windows does. Open connections per listener
are bounded (one thread each). Nothing here logs a header or a body: passwords never reach a log.
"""
from __future__ import annotations

import logging
import socket
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from engine.winrm_server import soap
from engine.winrm_server.auth import Users, parse_basic
from engine.winrm_server.executor import ScriptHostFactory, UserHosts
from engine.winrm_server.faults import WSManFault
from engine.winrm_server.service import Caller, WSManService
from engine.winrm_server.shells import Limits, ShellRegistry

__all__ = ["TLSConfig", "WinRMServer", "serve", "Limits"]

log = logging.getLogger("engine.winrm_server")

_IDLE_CONNECTION_TIMEOUT_S = 120  # a keep-alive connection that sends nothing for this long is closed
_REAPER_MAX_INTERVAL_S = 30.0
_LINGER_S = 2.0  # after refusing a body unread, drain it this long so the client can read our answer


@dataclass(frozen=True)
class TLSConfig:
    """A PEM certificate (chain) and its private key; TLS 1.2 is the minimum protocol."""

    cert: Path
    key: Path

    def context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(str(self.cert), str(self.key))
        return context


class _HostServer(ThreadingHTTPServer):
    """One listener: knows its lab host, the users, the service and the limits."""

    daemon_threads = True  # a stuck client must never keep the process alive at shutdown
    block_on_close = False  # nor make shutdown wait for an idle keep-alive connection

    def __init__(self, address: tuple[str, int], *, lab_host: str, users: Users, service: WSManService,
                 limits: Limits, tls: ssl.SSLContext | None) -> None:
        # socketserver listens with a backlog of 5; pywinrm opens a connection per run_ps, so a classroom's
        # simultaneous connects would be reset by the kernel. Queue as many as may be served at once.
        self.request_queue_size = limits.max_connections
        super().__init__(address, _Handler)
        self.lab_host = lab_host
        self.users = users
        self.service = service
        self.limits = limits
        self.scheme = "https" if tls else "http"
        self._slots = threading.BoundedSemaphore(limits.max_connections)
        if tls:
            # Handshake in the handler thread (see _Handler.setup), not in the accept loop.
            self.socket = tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"{self.scheme}://{host}:{port}/wsman"

    def process_request(self, request, client_address) -> None:
        # One thread per connection: without a bound, idle connections alone could exhaust threads.
        if not self._slots.acquire(blocking=False):
            log.warning("%s: refused a connection from %s: %d connections are open", self.lab_host,
                        client_address[0], self.limits.max_connections)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        # Failed TLS handshakes and dropped connections are routine for a network server: one log line.
        log.debug("connection from %s ended with an error", client_address[0], exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _HostServer
    protocol_version = "HTTP/1.1"  # pywinrm keeps its connection alive across Create…Delete
    server_version = "Microsoft-HTTPAPI/2.0"
    sys_version = ""
    timeout = _IDLE_CONNECTION_TIMEOUT_S

    def setup(self) -> None:
        super().setup()
        self.unread_body = 0
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle + delayed ACK add
        # about 40 ms to each of the five round trips of a run_ps.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()

    def finish(self) -> None:
        super().finish()
        if self.unread_body:
            self._linger()

    def _linger(self) -> None:
        """Lingering close: closing with unread bytes makes the kernel send RST, which can destroy the
        response (401/413) before the client reads it. Drain a bounded amount for a bounded time instead."""
        budget = min(self.unread_body, 2 * self.server.limits.max_body_bytes)
        try:
            self.connection.settimeout(_LINGER_S)
            while budget > 0:
                data = self.connection.recv(min(65536, budget))
                if not data:
                    break
                budget -= len(data)
        except OSError:
            pass

    def log_message(self, format: str, *args) -> None:
        log.info("%s %s %s", self.server.lab_host, self.client_address[0], format % args)

    def do_POST(self) -> None:
        if not self._is_wsman():
            return self._plain(404, "Not Found")
        user = self._authenticated_user()
        length = self._content_length()
        if length is None:
            return
        if user is None:
            self.unread_body = length
            return self._unauthorized()
        if length > self.server.limits.max_body_bytes:
            self.unread_body = length
            return self._fault(WSManFault.envelope_too_large(length, self.server.limits.max_body_bytes))
        body = self.rfile.read(length)
        request = None
        try:
            caller = Caller(user, self.server.lab_host, self.server.url, self.client_address[0])
            if not self.server.service.answers(caller):
                # A powered-off host answers nothing: close the connection unanswered (the client sees it dropped).
                self.close_connection = True
                return None
            request = soap.parse_request(body)
            response = self.server.service.handle(request, caller)
        except WSManFault as fault:
            return self._fault(fault, request.message_id if request else None)
        except Exception:  # a bug must cost one request, never the server
            log.exception("internal error while handling %s", request.operation if request else "a request")
            return self._fault(WSManFault.internal_error(), request.message_id if request else None)
        self._send(200, response)

    def _not_allowed(self) -> None:
        if not self._is_wsman():
            return self._plain(404, "Not Found")
        self._plain(405, "Method Not Allowed", {"Allow": "POST"})

    do_GET = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def _is_wsman(self) -> bool:
        return urlsplit(self.path).path.rstrip("/").lower() == "/wsman"

    def _authenticated_user(self) -> str | None:
        credentials = parse_basic(self.headers.get("Authorization"))
        if credentials and self.server.users.check(*credentials):
            return credentials[0]
        return None

    def _content_length(self) -> int | None:
        if self.headers.get("Transfer-Encoding"):
            self.unread_body = self.server.limits.max_body_bytes
            self._plain(411, "Length Required")  # pywinrm always sends Content-Length; chunked is not needed
            return None
        raw = self.headers.get("Content-Length")
        if raw is None:
            self._plain(411, "Length Required")
            return None
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            self._plain(400, "Bad Request")
            return None
        return length

    def _unauthorized(self) -> None:
        self._plain(401, "", {"WWW-Authenticate": 'Basic realm="WSMAN"'})

    def _fault(self, fault: WSManFault, relates_to: str | None = None) -> None:
        # The connection survives a fault (pywinrm retries Receive on it) unless the body was left unread.
        self._send(fault.http_status, soap.fault(fault, machine=self.server.lab_host, relates_to=relates_to),
                   close=bool(self.unread_body))

    def _plain(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        data = text.encode()
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.close_connection = True

    def _send(self, status: int, data: bytes, *, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/soap+xml;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)


class WinRMServer:
    """Running listeners (one per lab host) + the idle-shell reaper; ``shutdown()`` stops everything."""

    def __init__(self, listeners: list[_HostServer], registry: ShellRegistry) -> None:
        self._listeners = listeners
        self.registry = registry
        self.hosts: UserHosts = registry.hosts
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
                                          name=f"winrm-{s.lab_host}") for s in listeners]
        self._threads.append(threading.Thread(target=self._reap, daemon=True, name="winrm-reaper"))
        for thread in self._threads:
            thread.start()

    @property
    def endpoints(self) -> dict[str, str]:
        """Lab host name → its WS-Man URL."""
        return {s.lab_host: s.url for s in self._listeners}

    def _reap(self) -> None:
        interval = min(self.registry.limits.shell_idle_timeout_s / 4, _REAPER_MAX_INTERVAL_S)
        while not self._stop.wait(interval):
            closed = self.registry.reap_idle()
            if closed:
                log.info("closed %d idle shell(s)", closed)

    def shutdown(self) -> None:
        """Stop accepting, end the reaper, close the sockets; idempotent."""
        if self._stop.is_set():
            return
        self._stop.set()
        for listener in self._listeners:
            listener.shutdown()
            listener.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> "WinRMServer":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


def serve(factory: ScriptHostFactory, lab_hosts: list[str], users: Users, *, bind: str = "127.0.0.1",
          port: int = 5985, tls: TLSConfig | None = None, limits: Limits = Limits()) -> WinRMServer:
    """Start serving ``lab_hosts`` (in order: host *i* listens on ``port + i``; port 0 = ephemeral ports)."""
    if not lab_hosts:
        raise ValueError("at least one lab host is needed")
    registry = ShellRegistry(UserHosts(factory), limits)
    service = WSManService(registry)
    context = tls.context() if tls else None
    listeners: list[_HostServer] = []
    try:
        for index, name in enumerate(lab_hosts):
            address = (bind, port + index if port else 0)
            listeners.append(_HostServer(address, lab_host=name, users=users, service=service,
                                         limits=limits, tls=context))
    except BaseException:
        for listener in listeners:
            listener.server_close()
        raise
    return WinRMServer(listeners, registry)
