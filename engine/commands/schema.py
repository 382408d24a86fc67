"""``python -m engine schema --out DIR``: JSON Schemas of the content files, for YAML editors.

Writes exam.schema.json, questions.schema.json, scenarios.schema.json, lab.schema.json and
topology.schema.json. See the README for pointing VS Code's YAML extension at them.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from pydantic import TypeAdapter

from engine.content.models import Exam, Lab, Question, Scenario
from engine.content.topology import Topology

SCHEMAS = {
    "exam": TypeAdapter(Exam),
    "questions": TypeAdapter(list[Question]),
    "scenarios": TypeAdapter(list[Scenario]),
    "lab": TypeAdapter(Lab),
    "topology": TypeAdapter(Topology),
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine schema", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the *.schema.json files into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, adapter in SCHEMAS.items():
        schema = adapter.json_schema()
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema["title"] = f"70-412 trainer {name} file"
        (args.out / f"{name}.schema.json").write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        print(args.out / f"{name}.schema.json")
    return 0
