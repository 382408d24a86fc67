"""Error records as CLIXML, checked through pywinrm's own cleaning code."""
from __future__ import annotations

import winrm
from hypothesis import given, strategies as st

from engine.winrm_server.clixml import encode_errors, escape_text


def cleaned(stderr: bytes) -> str:
    return winrm.Session("localhost", auth=("u", "p"))._clean_error_msg(stderr).decode("utf-8")


def test_the_exact_prefix_and_default_namespace():
    data = encode_errors(["boom"])
    assert data.startswith(b'#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">')
    assert data.endswith(b'<S S="Error">boom_x000D__x000A_</S></Objs>')


def test_no_error_records_means_empty_stderr():
    assert encode_errors([]) == b""


def test_multi_line_records_become_clean_text_for_pywinrm():
    record = "Move-VM : a & b <c>\r\nAt line:1 char:1\n+ Move-VM -Name VM1\n"
    assert cleaned(encode_errors([record, "second"])) == "Move-VM : a & b <c>\nAt line:1 char:1\n+ Move-VM -Name VM1\nsecond"


def test_literal_x_escapes_and_control_characters_are_escaped_like_powershell():
    assert escape_text("a_x0041_b") == "a_x005F_x0041_b"
    assert escape_text("bell\x07") == "bell_x0007_"
    assert escape_text("tab\tok") == "tab\tok"


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), min_size=1), min_size=1, max_size=3))
def test_any_text_survives_as_well_formed_xml(texts):
    import defusedxml.ElementTree as ET
    data = encode_errors(texts)
    root = ET.fromstring(data[len(b"#< CLIXML\r\n"):])
    assert len(root) == len(texts)
