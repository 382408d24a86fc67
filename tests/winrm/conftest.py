"""Fake ScriptHosts and a server fixture on loopback with ephemeral ports (no Windows, no real lab)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest
import trustme
import winrm

from engine.winrm_server import Limits, ScriptResult, TLSConfig, Users, serve

PASSWORD = "s3cret-for-tests"
USERS = Users.single("alice", PASSWORD)


class EchoHost:
    """Prints the host and the script; `fail:` scripts write an error record; `big:N` prints N bytes."""

    def run(self, script: str, *, host: str) -> ScriptResult:
        if script.startswith("fail:"):
            return ScriptResult("partial\n", [f"Move-VM : {script[5:]}\nAt line:1 char:1\n+ Move-VM\n"
                                              "    + CategoryInfo          : InvalidOperation"], 1)
        if script.startswith("big:"):
            return ScriptResult("x" * int(script[4:]))
        if script == "crash":
            raise RuntimeError("interpreter bug")
        return ScriptResult(f"{host}: {script}\n")


@dataclass
class SleepyHost:
    """Blocks until released (or 10 s), so tests can observe Running, time-outs and the run-time cap."""

    release: threading.Event = field(default_factory=threading.Event)

    def run(self, script: str, *, host: str) -> ScriptResult:
        self.release.wait(10)
        return ScriptResult("woke up\n")


@dataclass
class StateHost:
    """Per-user state: `set X` stores X, `get` prints it (proves isolation between users)."""

    value: str = "(nothing)"
    saved: int = 0

    def run(self, script: str, *, host: str) -> ScriptResult:
        if script.startswith("set "):
            self.value = script[4:]
            return ScriptResult("")
        return ScriptResult(f"{self.value}\n")

    def save(self) -> None:
        self.saved += 1


@pytest.fixture
def start():
    """start(host_factory, users=…, limits=…, tls=…) → a running WinRMServer; all are stopped at teardown."""
    servers = []

    def _start(factory=lambda user: EchoHost(), *, users=USERS, limits=Limits(), tls=None, hosts=("HV1", "HV2")):
        server = serve(factory, list(hosts), users, port=0, limits=limits, tls=tls)
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.shutdown()


@pytest.fixture
def server(start):
    return start()


def session(url: str, user: str = "alice", password: str = PASSWORD, **kwargs) -> winrm.Session:
    """A pywinrm session the way a learner's script would open one (Basic over HTTP or HTTPS)."""
    kwargs.setdefault("transport", "basic")
    return winrm.Session(url, auth=(user, password), **kwargs)


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls(ca, tmp_path) -> tuple[TLSConfig, str]:
    """A server certificate for localhost/127.0.0.1 signed by a test CA, and the CA file for clients."""
    leaf = ca.issue_cert("localhost", "127.0.0.1")
    cert, key, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    leaf.private_key_pem.write_to_path(str(key))
    with open(cert, "wb") as out:
        for blob in leaf.cert_chain_pems:
            out.write(blob.bytes())
    ca.cert_pem.write_to_path(str(ca_file))
    return TLSConfig(cert, key), str(ca_file)
