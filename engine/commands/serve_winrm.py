"""``python -m engine serve-winrm``: serve an emulated lab over WS-Management, one port per lab host.

    python -m engine serve-winrm --topology FILE [--bind 127.0.0.1] [--port 5985]
        (--users USERS.yaml | --single-user NAME:PASSWORD_ENV) [--tls-cert C --tls-key K]
        [--state-dir DIR] [--allow-remote] [limits…]

Lab host *i* of the topology (in file order) listens on ``--port + i`` (``--port 0``: ephemeral ports);
the endpoints are printed at start (``HV1 → http://127.0.0.1:5985/wsman``). Each authenticated user gets
their own lab. With ``--state-dir`` each user's lab is restored from that folder when first used and saved
there on shutdown (SIGINT or SIGTERM).

Credentials: a users file, or ``--single-user NAME:PASSWORD_ENV`` for one developer (the password is read
from that environment variable, never from the command line, which other local users can see). Without
either the server refuses to start: there is no default password.

Non-loopback addresses need ``--allow-remote``: the emulator authenticates with HTTP Basic, which sends the
password in clear text unless TLS is on, and it is a teaching tool, not a hardened network service.

Exit codes: 0 after a clean shutdown, 1 invalid topology/users file or a port that cannot be opened,
2 bad usage or the lab emulator backend is not available.
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import sys
import threading
from pathlib import Path

from pydantic import ValidationError

from engine.content.topology import Topology
from engine.errors import ContentError
from engine.winrm_server.auth import Users, load_users
from engine.winrm_server.executor import SavesState
from engine.winrm_server.server import Limits, TLSConfig, serve
from engine.content.yamlload import pydantic_problems, read_mapping

PROG = "python -m engine serve-winrm"


def _parser() -> argparse.ArgumentParser:
    summary, _, details = __doc__.partition("\n\n")
    parser = argparse.ArgumentParser(prog=PROG, description=summary.split(": ", 1)[1], epilog=details,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topology", required=True, type=Path, help="the lab topology file")
    parser.add_argument("--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5985, help="port of the first lab host (0 = ephemeral)")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--users", type=Path, help="users file: `alice: {password: …}` or `{password_sha256: …}`")
    who.add_argument("--single-user", metavar="NAME:PASSWORD_ENV",
                     help="one user whose password is in the environment variable PASSWORD_ENV")
    parser.add_argument("--tls-cert", type=Path, help="PEM certificate (chain) for HTTPS")
    parser.add_argument("--tls-key", type=Path, help="PEM private key for HTTPS")
    parser.add_argument("--state-dir", type=Path, help="restore each user's lab from here; save it on shutdown")
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --bind address")
    defaults = Limits()
    parser.add_argument("--command-timeout", type=float, default=defaults.command_timeout_s, metavar="S",
                        help=f"longest run of one command (default {defaults.command_timeout_s:g} s)")
    parser.add_argument("--max-body-kib", type=int, default=defaults.max_body_bytes // 1024, metavar="N",
                        help=f"largest request body (default {defaults.max_body_bytes // 1024} KiB)")
    parser.add_argument("--max-output-kib", type=int, default=defaults.max_output_bytes // 1024, metavar="N",
                        help=f"largest output of one command (default {defaults.max_output_bytes // 1024} KiB)")
    parser.add_argument("--max-shells", type=int, default=defaults.max_shells_per_user, metavar="N",
                        help=f"open shells per user (default {defaults.max_shells_per_user})")
    parser.add_argument("--max-connections", type=int, default=defaults.max_connections, metavar="N",
                        help=f"open connections per lab host (default {defaults.max_connections})")
    parser.add_argument("--idle-timeout", type=float, default=defaults.shell_idle_timeout_s, metavar="S",
                        help=f"close shells unused this long (default {defaults.shell_idle_timeout_s:g} s)")
    return parser


def _is_loopback(bind: str) -> bool:
    if bind == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind).is_loopback
    except ValueError:
        return False


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


def load_topology(path: Path) -> Topology:
    """The validated topology, or ``ContentError`` with file:line problems."""
    data, problems = read_mapping(path, "topology file")
    if problems:
        raise ContentError(problems)
    try:
        return Topology.model_validate(data)
    except ValidationError as exc:
        raise ContentError(pydantic_problems(exc, data, str(path)))


def _users(args: argparse.Namespace) -> Users:
    if args.users:
        return load_users(args.users)
    name, _, env = args.single_user.partition(":")
    if not name or not env:
        raise ValueError("--single-user takes NAME:PASSWORD_ENV (the name of an environment variable)")
    password = os.environ.get(env)
    if not password:
        raise ValueError(f"--single-user: the environment variable {env} is not set or empty")
    return Users.single(name, password)


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error
        return int(exc.code or 0)
    if not _is_loopback(args.bind) and not args.allow_remote:
        return _fail(f"refusing to listen on {args.bind}, which is not a loopback address: the emulator uses "
                     "HTTP Basic and is not hardened for networks; add --allow-remote (and TLS) to do it anyway", 2)
    if (args.tls_cert is None) != (args.tls_key is None):
        return _fail("--tls-cert and --tls-key go together", 2)
    if not args.users and not args.single_user:
        return _fail("no users: give --users USERS.yaml or --single-user NAME:PASSWORD_ENV "
                     "(there is no default password)", 2)
    try:
        limits = Limits(max_body_bytes=args.max_body_kib * 1024, command_timeout_s=args.command_timeout,
                        max_output_bytes=args.max_output_kib * 1024, max_shells_per_user=args.max_shells,
                        shell_idle_timeout_s=args.idle_timeout, max_connections=args.max_connections)
        users = _users(args)
        topology = load_topology(args.topology)
    except ValueError as exc:
        return _fail(str(exc), 2)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        from engine.winrm_server.labhost import make_factory
    except ImportError as exc:
        return _fail(f"the lab emulator backend (engine.winrm_server.labhost) is not available yet ({exc})", 2)
    if not _is_loopback(args.bind) and args.tls_cert is None:
        print(f"{PROG}: warning: serving without TLS; passwords cross the network in clear text", file=sys.stderr)
    factory = make_factory(args.topology, args.state_dir)
    tls = TLSConfig(args.tls_cert, args.tls_key) if args.tls_cert else None
    try:
        server = serve(factory, [h.name for h in topology.hosts], users, bind=args.bind, port=args.port,
                       tls=tls, limits=limits)
    except (OSError, ValueError) as exc:
        return _fail(f"cannot start: {exc}", 1)
    return _run_until_signal(server, save=args.state_dir is not None)


def _run_until_signal(server, *, save: bool) -> int:
    """Print the endpoints, serve until SIGINT/SIGTERM, shut down, save the labs when asked."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for host, url in server.endpoints.items():
            print(f"{host} → {url}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.shutdown()
    if save:
        for user, host in server.hosts.created().items():
            if isinstance(host, SavesState):
                host.save()
                print(f"saved the lab of {user}", flush=True)
    print("stopped", flush=True)
    return 0
