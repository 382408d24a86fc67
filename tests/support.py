"""Helpers shared by test modules: system packages that some tests need, and throwaway servers.

A test that needs a system package skips with the reason where it is missing, so `make test` passes on a
laptop; under CI (CI=true) a missing package is a failure instead, because `.ci/run` must have installed it.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest


def need(what: str, how: str) -> None:
    """Skip (or, under CI, fail) because ``what`` is missing; ``how`` says how to get it."""
    message = f"{what} is not available ({how})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} — .ci/run must install it", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (trust auth), yielding a SQLAlchemy URL; removed afterwards.

    Uses TEST_DATABASE_URL instead when it is set (an existing server the tests may write to).
    """
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        need("PostgreSQL", "apt-get install postgresql, or set TEST_DATABASE_URL")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="pgtest-"))
    if os.geteuid() == 0:  # initdb refuses to run as root: run the server as the postgres account
        if not shutil.which("runuser"):
            need("runuser", "util-linux")
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()
    try:
        subprocess.run(as_user + [initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run(as_user + [pg_ctl, "-D", str(data), "-w", "-t", "60", "-l", str(folder / "log"), "-o",
                                  f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True, timeout=90)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_user + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True,
                       timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
