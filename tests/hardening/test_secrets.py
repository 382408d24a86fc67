"""Credentials never leak: after a learner's whole run (emulator with a users file, WinRMBackend with a targets
file, a lab session, the progress store, a rejected login), the password, its Basic header and its digest appear
in no stored byte and no log line; and the emulator never starts a process on the machine."""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import subprocess

import pytest

from engine.backends.winrm import CredentialsRejectedError, WinRMBackend
from engine.content.loader import REPO_ROOT, load_catalog
from engine.labs.session import LabSession
from engine.store import Store
from engine.winrm_server.auth import load_users
from engine.winrm_server.labhost import make_factory

TOPOLOGY = REPO_ROOT / "labs" / "topologies" / "standalone-pair.yaml"
USER, PASSWORD, WRONG = "alice", "Corr3ct-Horse-Battery-9f2c", "Wr0ng-Guess-77ab"


def secrets_of(password: str) -> list[bytes]:
    """Every form in which ``password`` could leak: itself (UTF-8 and UTF-16-LE, as PowerShell would hold it),
    the Basic Authorization value, and its SHA-256 digest (hex either case, raw)."""
    digest = hashlib.sha256(password.encode()).digest()
    basic = base64.b64encode(f"{USER}:{password}".encode())
    return [password.encode(), password.encode("utf-16-le"), basic, digest.hex().encode(),
            digest.hex().upper().encode(), digest]


def test_no_credential_reaches_the_store_the_state_files_or_the_logs(start, tmp_path, caplog, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)  # the store must be the SQLite file inspected below
    caplog.set_level(logging.DEBUG)  # every logger, at its most talkative: requests, urllib3, server, store
    users_file = tmp_path / "users.yaml"
    users_file.write_text(f"{USER}: {{password_sha256: {hashlib.sha256(PASSWORD.encode()).hexdigest()}}}\n")
    state_dir, data_dir = tmp_path / "state", tmp_path / "data"
    server = start(make_factory(TOPOLOGY, state_dir), users=load_users(users_file))
    targets_file = tmp_path / "targets.yaml"
    targets_file.write_text("".join(f"{host}: {{url: '{url}', transport: basic, username_env: LAB_USER, "
                                    "password_env: LAB_PASSWORD}\n" for host, url in server.endpoints.items()))
    environ = {"LAB_USER": USER, "LAB_PASSWORD": PASSWORD}

    catalog = load_catalog()
    lab = catalog.lab("lab-prepare-hosts")
    session = LabSession.start(lab, WinRMBackend(targets_file, environ))
    session.hint("enable")
    solved = session.solve("enable")
    assert not solved.had_errors, solved.errors
    store = Store.open(data_dir=data_dir)  # the default SQLite file in a data folder, as the app opens it
    learner = store.learner(USER)
    stored = store.start_lab_session(learner.id, lab.id, json.loads(session.to_json()), backend="winrm")
    store.record_step_result(stored, "enable", status=solved.check.status, score=session.score().earned,
                             detail={"text": solved.text})
    store.record_answer(learner.id, "q1", {"typed": "Enable-VMMigration"}, score=1.0, correct=True)
    with pytest.raises(CredentialsRejectedError) as rejected:
        WinRMBackend(targets_file, {"LAB_USER": USER, "LAB_PASSWORD": WRONG}).run("Get-VM")
    store.engine.dispose()
    server.shutdown()
    for lab_host in server.hosts.created().values():
        lab_host.save()  # what serve-winrm does on SIGTERM with --state-dir

    written = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p not in (users_file,)}
    assert any(p.parent == state_dir for p in written), "the learner's lab was not saved"
    assert any(p.parent == data_dir for p in written), "the store wrote nothing"
    logs = caplog.text.encode() + "".join(capsys.readouterr()).encode() + str(rejected.value).encode()
    assert b"POST /wsman" in logs  # the access log was captured, so its absence of secrets means something
    for secret in secrets_of(PASSWORD) + secrets_of(WRONG):
        assert secret not in logs
        for path, data in written.items():
            assert secret not in data, f"{path} holds a credential"


SPAWNING = ["Start-Process notepad.exe", "cmd /c echo pwned", "& 'C:\\Windows\\System32\\cmd.exe' /c whoami",
            "Invoke-Expression 'cmd /c whoami'", "[System.Diagnostics.Process]::Start('sh')", "bash -c id",
            "Invoke-Command -ScriptBlock { hostname }", "Start-Job { sh -c id } | Receive-Job -Wait"]


@pytest.mark.parametrize("script", SPAWNING)
def test_the_emulator_never_starts_a_process(start, monkeypatch, script):
    """Scripts are data to the emulator: whatever a learner sends, no process is created on the machine."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"the emulator tried to start a process: {args!r}")
    for name in ("system", "popen", "execv", "execve", "execvp", "spawnv", "spawnve", "posix_spawn", "fork"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    lab = make_factory(TOPOLOGY, None)(USER)
    result = lab.run(script, host="HV1")
    assert result.exit_code != 0 and result.error_texts  # refused as PowerShell would refuse an unknown command
