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
