"""`python -m engine bench` writes a JSON report whose entries carry name, unit, p50, p95 (and target/met)."""
import json

from engine.cli import main


def test_bench_report_has_the_required_keys(tmp_path, capsys):
    out = tmp_path / "results.json"
    assert main(["bench", "--quick", "--only", "bench_content", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    names = [e["name"] for e in report["results"]]
    assert "content: validate all shipped content" in names
    for entry in report["results"]:
        assert {"name", "unit", "p50", "p95"} <= set(entry)
    validate = next(e for e in report["results"] if e["name"] == "content: validate all shipped content")
    assert validate["target"] == 1000 and isinstance(validate["met"], bool)
    assert "content: validate all shipped content" in capsys.readouterr().out


def test_unknown_command_is_usage_error(capsys):
    assert main(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


def test_quick_growth_run_reports_how_costs_grow(tmp_path):
    """``--quick --only bench_growth``: content at 1x and 10x (100x only in a full run), the emulator at 10, 100
    and 1,000 VMs, the WinRM emulator at 1, 10 and 50 learners; each size against the smallest one."""
    out = tmp_path / "results.json"
    assert main(["bench", "--quick", "--only", "bench_growth", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    entries = {e["name"]: e for e in report["results"]}
    expected = ["growth: content validation @ 1x bank", "growth: content validation @ 10x bank"]
    expected += [f"growth: emulator {what} @ {n} VMs" for what in ("clustered live migration incl. rule checks",
                                                                  "snapshot") for n in ("10", "100", "1,000")]
    expected += [f"growth: WinRM emulator run_ps{what} @ {n} learners" for what in ("/s", " latency")
                 for n in (1, 10, 50)]
    names = list(entries)
    for prefix in expected:
        assert any(name.startswith(prefix) for name in names), (prefix, names)
    for entry in entries.values():
        assert {"name", "unit", "p50", "p95", "baseline", "ratio_vs_baseline"} <= set(entry)
    content = [e for e in entries.values() if e["name"].startswith("growth: content")]
    assert [e["questions"] for e in content] == [content[0]["questions"], 10 * content[0]["questions"]]
    assert all(e["problems"] == 0 for e in content)  # the cloned bank validates cleanly
    assert all(e["errors"] == 0 for e in entries.values() if "WinRM" in e["name"])
    assert report["failed"] == {} and report["machine"]["cpus"]


def test_clone_questions_renames_ids_and_varies_stems():
    from bench.bench_growth import clone_questions

    text = "- id: q1\n  stem: |\n    Which one?\n- id: q2\n  stem: Match the pairs.\n"
    assert clone_questions(text, 3) == ("- id: q1-x3\n  stem: |\n    Variant 3 - Which one?\n"
                                        "- id: q2-x3\n  stem: Variant 3 - Match the pairs.\n")


def test_a_failing_module_does_not_hide_the_others(tmp_path, monkeypatch, capsys):
    from engine.commands import bench

    monkeypatch.setattr(bench, "_modules", lambda: ["bench.bench_no_such_module", "bench.bench_timing"])
    out = tmp_path / "results.json"
    assert main(["bench", "--quick", "--out", str(out)]) == 1
    report = json.loads(out.read_text())
    assert list(report["failed"]) == ["bench.bench_no_such_module"]
    assert {e["module"] for e in report["results"]} == {"bench.bench_timing"}
    assert "FAILED: bench.bench_no_such_module" in capsys.readouterr().err
