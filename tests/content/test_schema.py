"""`python -m engine schema --out DIR` writes JSON Schemas an editor can validate YAML against."""
import json

from engine.cli import main


def test_schema_writes_one_file_per_kind(tmp_path, capsys):
    assert main(["schema", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["exam.schema.json", "lab.schema.json", "questions.schema.json", "scenarios.schema.json",
                     "topology.schema.json"]


def test_question_schema_knows_every_type_and_forbids_unknown_keys(tmp_path):
    main(["schema", "--out", str(tmp_path)])
    schema = json.loads((tmp_path / "questions.schema.json").read_text())
    defs = schema["$defs"]
    assert {"SingleQuestion", "MultipleQuestion", "OrderQuestion", "MatchQuestion", "DropdownQuestion",
            "CommandQuestion"} <= set(defs)
    assert defs["SingleQuestion"]["additionalProperties"] is False
    assert schema["items"]["discriminator"]["propertyName"] == "type"


def test_check_schema_uses_the_in_key_authors_write(tmp_path):
    main(["schema", "--out", str(tmp_path)])
    check = json.loads((tmp_path / "lab.schema.json").read_text())["$defs"]["Check"]
    assert "in" in check["properties"] and "in_" not in check["properties"]
