"""The YAML loaders never raise on arbitrary input; every problem they report says file, line (≥ 1) and why."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.content.loader import REPO_ROOT, load_catalog
from engine.content.yamlload import load_yaml
from engine.errors import Problem

# Pieces of YAML syntax (indentation, flow collections, anchors, tags, block scalars, document markers) and
# the keys real content uses, so generated text reaches the validators and not only the YAML scanner.
YAML_PIECES = ["\n", "  ", "- ", ": ", "{", "}", "[", "]", ",", "'", '"', "&a ", "*a", "!!str ", "!!python/object ",
               "|\n", ">-\n", "---\n", "...\n", "#", "? ", "%YAML 1.1\n", "\t", "\\", "<<: *a", "~", "null",
               "true", "1e3", "0x1F", "id", "stem", "type", "answer", "choices", "objective", "steps", "checks",
               "solution", "hints", "topology", "hosts", "name", "vms", "host", "HV1", "VM1", "equals"]
YAML_TEXT = (st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=4), max_size=40).map("".join)
             | st.text(max_size=200))

# Structured documents: nested mappings/lists of scalars, dumped by PyYAML, so they are valid YAML whose shape is
# arbitrary (the schema validators, not the scanner, must cope).
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.sampled_from(YAML_PIECES[20:]) | st.text(max_size=6), inner,
                                           max_size=4), max_leaves=20)


def assert_well_formed(problems, file_suffix: str = "") -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file.endswith(file_suffix)
        assert isinstance(problem.line, int) and problem.line >= 1, problem
        assert problem.message.strip(), problem


@settings(max_examples=400, deadline=None)
@given(YAML_TEXT)
def test_load_yaml_never_raises_and_locates_every_problem(text):
    data, problems = load_yaml(text, "fuzz.yaml")
    assert_well_formed(problems, "fuzz.yaml")
    assert data is None or not problems  # a problem means no data, never half a document


@settings(max_examples=200, deadline=None)
@given(DOCUMENTS)
def test_load_yaml_reads_back_any_dumped_document(document):
    data, problems = load_yaml(yaml.safe_dump(document), "doc.yaml")
    assert problems == []
    assert data == document


# Where a content file of each kind lives under a content root.
KIND_PATHS = ["questions/fuzz.yaml", "questions/scenarios-fuzz.yaml", "labs/lab-fuzz.yaml",
              "labs/topologies/fuzz.yaml", "questions/exam.yaml"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(KIND_PATHS), YAML_TEXT | DOCUMENTS.map(yaml.safe_dump))
def test_load_catalog_never_raises_on_a_scratch_root(tmp_path_factory, where, text):
    root = tmp_path_factory.mktemp("content")
    (root / "questions").mkdir()
    (root / "labs" / "topologies").mkdir(parents=True)
    # A real blueprint, so the one generated file is judged alongside valid content (unless it replaces it).
    shutil.copy(REPO_ROOT / "questions" / "exam.yaml", root / "questions" / "exam.yaml")
    (root / where).write_text(text, encoding="utf-8")
    catalog = load_catalog(root)
    assert_well_formed(catalog.problems)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=80))
def test_load_catalog_reports_undecodable_bytes_as_a_problem(tmp_path_factory, blob):
    root = tmp_path_factory.mktemp("content")
    (root / "questions").mkdir()
    (root / "labs").mkdir()
    shutil.copy(REPO_ROOT / "questions" / "exam.yaml", root / "questions" / "exam.yaml")
    (root / "questions" / "bytes.yaml").write_bytes(blob)
    catalog = load_catalog(root)
    assert_well_formed(catalog.problems)


def test_the_scratch_root_is_clean_without_the_generated_file(tmp_path):
    """Control: the copied blueprint alone loads without problems, so the fuzzed file is what gets judged."""
    (tmp_path / "questions").mkdir()
    shutil.copy(REPO_ROOT / "questions" / "exam.yaml", Path(tmp_path / "questions" / "exam.yaml"))
    assert load_catalog(tmp_path).problems == ()
