"""Crash safety of the progress store: a writer killed with SIGKILL mid-stream never loses an acknowledged answer,
never leaves half an answer (answer, review log and session state commit together), and never corrupts SQLite."""
from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from engine.content.loader import REPO_ROOT
from engine.store import Store
from tests.support import postgres_server

ROUNDS = 5
STARTUP_TIMEOUT_S = 60   # opening the store runs the migrations; a loaded CI machine may take a while
LINE_TIMEOUT_S = 10      # a writer that acknowledges nothing for this long is hung, not slow


class Writer:
    """One child running tests/hardening/store_writer.py; its stdout lines are read by a thread into a queue so
    waiting for a line has a time-out (a hung child must fail the test, not hang it)."""

    def __init__(self, url: str, learner: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.hardening.store_writer", url, learner],
                                     cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_line(self, timeout: float) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            self.proc.kill()
            pytest.fail(f"the writer printed nothing for {timeout} s")
        if line is None:
            pytest.fail(f"the writer exited early: {self.proc.wait()} {self.proc.stderr.read()}")
        return line

    def kill(self) -> list[int]:
        """SIGKILL the child; return every id it acknowledged (complete lines only: a cut line was not acked)."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        acked = []
        while (line := self.lines.get(timeout=10)) is not None:
            if line.endswith("\n") and line.strip().isdigit():
                acked.append(int(line))
        self.proc.stderr.close()
        return acked


def run_rounds(url: str, rounds: int, rng: random.Random) -> dict[str, list[int]]:
    """``rounds`` writers in turn, each killed after a random number of acknowledgements plus a random delay;
    returns the acknowledged answer ids per learner."""
    acked: dict[str, list[int]] = {}
    for n in range(rounds):
        learner = f"crash-{n}-{uuid.uuid4().hex[:6]}"
        writer = Writer(url, learner)
        assert writer.next_line(STARTUP_TIMEOUT_S) == "ready\n"
        ids = [int(writer.next_line(LINE_TIMEOUT_S)) for _ in range(rng.randint(1, 60))]
        time.sleep(rng.uniform(0, 0.05))  # land the kill anywhere: between answers or inside a transaction
        acked[learner] = ids + writer.kill()
    return acked


def assert_nothing_lost_or_torn(url: str, acked: dict[str, list[int]]) -> None:
    store = Store.open(url)  # also proves the store reopens (and migrates) after the crashes
    try:
        for name, ids in acked.items():
            learner = store.learner(name, create=False)
            stored = {a["id"]: a for a in store.answers(learner.id)}
            assert set(ids) <= set(stored), f"{name}: acknowledged answers lost: {sorted(set(ids) - set(stored))}"
            with store.engine.connect() as conn:
                logs = conn.execute(text("SELECT count(*) FROM review_logs WHERE learner_id = :l"),
                                    {"l": learner.id}).scalar_one()
            (session,) = {a["session_id"] for a in stored.values()}
            # record_answer writes the answer, the session's new state and a review log in one transaction:
            # after any kill the three agree.
            assert logs == len(stored)
            assert store.quiz_session(session).state == {"answered": len(stored)}
    finally:
        store.engine.dispose()


def test_sigkilled_sqlite_writers_lose_no_acknowledged_answer(tmp_path):
    seed = random.randrange(2**32)
    print(f"kill moments from random.Random({seed})")  # shown with a failure, to replay the same kills
    url = f"sqlite:///{tmp_path / 'progress.sqlite3'}"
    acked = run_rounds(url, ROUNDS, random.Random(seed))
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
    finally:
        engine.dispose()
    assert_nothing_lost_or_torn(url, acked)


@pytest.mark.postgres
def test_a_sigkilled_postgresql_writer_loses_no_acknowledged_answer():
    with postgres_server() as server:
        name = f"crash_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.rsplit("/", 1)[0] + "/" + name
        try:
            acked = run_rounds(url, 1, random.Random())
            assert_nothing_lost_or_torn(url, acked)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
