"""``python -m engine migrate-model``: output, JSON, default option per OS, exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from engine.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_text_summary_shows_totals_and_passes(capsys):
    code = main(["migrate-model", "--kind", "live", "--memory-mb", "4096", "--demand-mb", "4096",
                 "--link-gbps", "1", "--dirty-mb-s", "20", "--option", "TCPIP"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Live migration on WindowsServer2012R2: 1 VM, at most 2 at a time, TCPIP over 1 Gbit/s")
    for label in ("total time", "downtime", "data sent", "pass", "stop-and-copy"):
        assert label in out
    assert "4096.0" in out  # the first pass copies all 4096 MB


def test_json_has_the_estimate(capsys):
    code = main(["migrate-model", "--kind", "shared-nothing", "--memory-mb", "2048", "--link-gbps", "10",
                 "--disk-gb", "40", "--vms", "3", "--parallel", "2", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["kind"] == "shared-nothing" and data["vms"] == 3 and data["parallel"] == 2
    assert data["total_s"] > data["storage_s"] > 0
    assert data["bytes_sent"] > 3 * 40 * 2**30
    assert data["passes"][-1]["final"] is True


def test_default_option_follows_the_os(capsys):
    for os, expected in (("WindowsServer2012R2", "Compression"), ("WindowsServer2012", "TCPIP")):
        assert main(["migrate-model", "--kind", "live", "--memory-mb", "1024", "--link-gbps", "1",
                     "--os", os, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["parameters"]["option"] == expected


def test_quick_migration_text_has_no_pass_table(capsys):
    assert main(["migrate-model", "--kind", "quick", "--memory-mb", "2048", "--link-gbps", "1"]) == 0
    out = capsys.readouterr().out
    assert "Quick migration" in out and "pass" not in out


def test_bad_usage_exits_2_with_argparse_message(capsys):
    assert main(["migrate-model", "--kind", "live", "--link-gbps", "1"]) == 2
    assert "the following arguments are required: --memory-mb" in capsys.readouterr().err
    assert main(["migrate-model", "--kind", "teleport", "--memory-mb", "1", "--link-gbps", "1"]) == 2
    assert "invalid choice: 'teleport'" in capsys.readouterr().err


def test_impossible_input_exits_2_with_one_line(capsys):
    code = main(["migrate-model", "--kind", "live", "--memory-mb", "1024", "--link-gbps", "1",
                 "--os", "WindowsServer2012", "--option", "SMB"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("migrate-model: option SMB does not exist on WindowsServer2012, "
                                   "which only has TCP/IP")
    assert captured.err.count("\n") == 1


def test_negative_memory_exits_2(capsys):
    assert main(["migrate-model", "--kind", "live", "--memory-mb", "-5", "--link-gbps", "1"]) == 2
    assert capsys.readouterr().err == "migrate-model: memory_mb must be non-negative (got -5)\n"


def test_module_entry_point_prints_json():
    run = subprocess.run(
        [sys.executable, "-m", "engine", "migrate-model", "--kind", "live", "--memory-mb", "512",
         "--link-gbps", "1", "--os", "WindowsServer2012", "--vms", "20", "--parallel", "20", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert 60 <= data["total_s"] <= 100  # Finn measured 80 s
    assert {"total_s", "downtime_s", "bytes_sent", "passes"} <= set(data)
