"""``python -m engine serve-winrm``: usage errors, file problems (no traceback), a full run with a fake lab."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from engine.commands import serve_winrm
from engine.content.loader import REPO_ROOT
from tests.winrm.conftest import session

TOPOLOGY = str(REPO_ROOT / "labs" / "topologies" / "standalone-pair.yaml")


@pytest.fixture
def no_labhost(monkeypatch):
    monkeypatch.setitem(sys.modules, "engine.winrm_server.labhost", None)  # import → ImportError


def run(argv, capsys) -> tuple[int, str]:
    code = serve_winrm.main(argv)
    return code, capsys.readouterr().err


def test_no_users_means_no_start(capsys):
    code, err = run(["--topology", TOPOLOGY], capsys)
    assert code == 2
    assert "no users: give --users USERS.yaml or --single-user NAME:PASSWORD_ENV (there is no default password)" in err


def test_single_user_needs_its_environment_variable(capsys, monkeypatch):
    monkeypatch.delenv("NO_SUCH_PW", raising=False)
    code, err = run(["--topology", TOPOLOGY, "--single-user", "dev:NO_SUCH_PW"], capsys)
    assert (code, err.strip()) == (2, "python -m engine serve-winrm: --single-user: the environment variable "
                                      "NO_SUCH_PW is not set or empty")


def test_a_non_loopback_bind_needs_allow_remote(capsys):
    code, err = run(["--topology", TOPOLOGY, "--single-user", "dev:PW", "--bind", "0.0.0.0"], capsys)
    assert code == 2
    assert "refusing to listen on 0.0.0.0, which is not a loopback address" in err


def test_tls_cert_and_key_go_together(capsys):
    code, err = run(["--topology", TOPOLOGY, "--single-user", "dev:PW", "--tls-cert", "c.pem"], capsys)
    assert (code, err.strip()) == (2, "python -m engine serve-winrm: --tls-cert and --tls-key go together")


def test_bad_limits_are_usage_errors(capsys, monkeypatch):
    monkeypatch.setenv("PW", "x")
    code, err = run(["--topology", TOPOLOGY, "--single-user", "dev:PW", "--command-timeout", "0"], capsys)
    assert (code, err.strip()) == (2, "python -m engine serve-winrm: limit command_timeout_s must be positive, not 0.0")


def test_a_missing_labhost_module_is_one_clear_line(capsys, monkeypatch, no_labhost):
    monkeypatch.setenv("PW", "x")
    code, err = run(["--topology", TOPOLOGY, "--single-user", "dev:PW"], capsys)
    assert code == 2
    assert err.startswith("python -m engine serve-winrm: the lab emulator backend (engine.winrm_server.labhost) "
                          "is not available yet")
    assert len(err.strip().splitlines()) == 1


def test_a_certificate_that_cannot_be_loaded_stops_the_start(capsys, monkeypatch, tmp_path):
    import types
    fake = types.ModuleType("engine.winrm_server.labhost")
    fake.make_factory = lambda topology, state_dir: (lambda user: None)
    monkeypatch.setitem(sys.modules, "engine.winrm_server.labhost", fake)
    monkeypatch.setenv("PW", "x")
    missing = tmp_path / "missing.pem"
    code, err = run(["--topology", TOPOLOGY, "--single-user", "dev:PW", "--port", "0",
                     "--tls-cert", str(missing), "--tls-key", str(missing)], capsys)
    assert code == 1
    assert err.startswith("python -m engine serve-winrm: cannot start: [Errno 2] No such file or directory")


def test_bad_topology_and_users_files_print_file_line_problems(tmp_path, capsys):
    topo = tmp_path / "t.yaml"
    topo.write_text("name: t\nhosts:\n  - name: HV1\n    colour: blue\n", encoding="utf-8")
    users = tmp_path / "u.yaml"
    users.write_text("alice: {password: x}\n", encoding="utf-8")
    code, err = run(["--topology", str(topo), "--users", str(users)], capsys)
    assert code == 1
    assert f"{topo}:4: hosts[0].colour: unknown key 'colour'" in err
    users.write_text("alice: {passwd: x}\n", encoding="utf-8")
    code, err = run(["--topology", TOPOLOGY, "--users", str(users)], capsys)
    assert (code, err.strip()) == (1, f"{users}:1: alice.passwd: unknown key 'passwd'")


def test_through_python_m_engine_there_is_no_traceback(tmp_path):
    users = tmp_path / "u.yaml"
    users.write_text("alice: [oops\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "engine", "serve-winrm", "--topology", TOPOLOGY, "--users",
                           str(users)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{users}:2: YAML syntax error")


FAKE_LABHOST = textwrap.dedent("""
    import sys, types
    from engine.winrm_server.executor import ScriptResult

    class Host:
        def __init__(self, user, state_dir):
            self.user, self.state_dir = user, state_dir
        def run(self, script, *, host):
            return ScriptResult(f"{self.user}@{host}: {script}\\n")
        def save(self):
            (self.state_dir / f"{self.user}.json").write_text("{}")

    labhost = types.ModuleType("engine.winrm_server.labhost")
    labhost.make_factory = lambda topology, state_dir: (lambda user: Host(user, state_dir))
    sys.modules["engine.winrm_server.labhost"] = labhost
    from engine.commands.serve_winrm import main
    sys.exit(main(sys.argv[1:]))
""")


def test_a_full_run_prints_endpoints_serves_and_saves_on_sigterm(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    env = {**os.environ, "DEV_PW": "dev-password", "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", FAKE_LABHOST, "--topology", TOPOLOGY, "--port", "0",
                             "--single-user", "dev:DEV_PW", "--state-dir", str(state)],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline().strip() for _ in range(2)]
        assert [line.split(" → ")[0] for line in lines] == ["HV1", "HV2"]
        url = lines[1].split(" → ")[1]
        assert url.startswith("http://127.0.0.1:")
        result = session(url, "dev", "dev-password").run_ps("Get-VM")
        assert result.std_out == b"dev@HV2: Get-VM\n"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out.splitlines() == ["saved the lab of dev", "stopped"]
    assert (state / "dev.json").exists()
    assert "dev-password" not in out + err
