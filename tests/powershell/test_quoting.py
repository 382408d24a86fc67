"""ps_quote: any string (without NUL) survives a round trip through the parser as exactly one argument."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.powershell import Runspace, ast, parse, ps_quote

QUOTES = "'\u2018\u2019\u201a\u201b"
DANGEROUS = list(QUOTES) + ['"', "\u201c", "\u201d", "\u201e", "$", "`", "(", ")", "{", "}", ";", "|", "&", "#",
                            "<#", "#>", "\n", "\r\n", "\r", "@'", "'@", '@"', '"@', "-", "--%", " ", "\t", ",",
                            "$(Remove-Item x)", "'; Remove-Item x; '"]
TEXT = st.lists(st.one_of(st.sampled_from(DANGEROUS), st.characters(blacklist_characters="\0")),
                max_size=40).map("".join)


def round_trip(s: str) -> list:
    script = f"Write-Output {ps_quote(s)}"
    (stmt,) = parse(script).statements
    (command,) = stmt.elements
    (argument,) = command.elements  # exactly one argument
    assert isinstance(argument.value, ast.Constant)
    return Runspace().run(script).output


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_any_string_round_trips_as_one_argument(s):
    assert round_trip(s) == [s]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_unicode_text_round_trips(s):
    s = s.replace("\0", "")
    assert round_trip(s) == [s]


@pytest.mark.parametrize("s", ["'; Remove-Item x; '", "\u2019; Remove-Item x; \u2019", "a\u2018b", "a\u2019b",
                               "a\u201ab", "a\u201bb", "''", "'", "", "$(Get-Thing)", "`"])
def test_injection_attempts_stay_one_argument(s):
    assert round_trip(s) == [s]


def test_each_single_quote_is_doubled():
    assert ps_quote("a'b\u2018c") == "'a''b\u2018\u2018c'"


def test_nul_is_refused():
    with pytest.raises(ValueError):
        ps_quote("a\0b")
