"""Arbitrary input never raises out of the public API: only PowerShell error records come back."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.powershell import ParseError, PSResult, Runspace, parse

from .conftest import World, fake_registry

PIECES = ["Get-Thing", "Set-Thing", "Start-Thing", "Where-Object", "%", "?", "Select-Object", "Sort-Object",
          "Format-Table", "Format-List", "ConvertTo-Json", "Get-Job", "Receive-Job", "-Name", "-Value", "-AsJob",
          "-ErrorAction", "Stop", "-eq", "-like", "-match", "-and", "-not", "$_", "$x", "$null", "$true", "alpha",
          "beta", "1", "4GB", "0x10", "1.5", "..", "'s'", '"d $x $(1)"', "@'\nh\n'@", "@{a=1}", "@(", "(", ")",
          "{", "}", "[", "]", "[int]", ".", ".Name", ",", ";", "|", "\n", " ", "=", "+=", "++", "+", "-", "*", "/",
          "%", "!", "if", "else", "foreach", "in", "while", "for", "try", "catch", "throw", "break", "return",
          "exit", "`", "#", "<#", "#>", "$", "@", "&", ":", "'", '"', "\u2019", "\u201c"]
SCRIPTS = st.lists(st.sampled_from(PIECES), max_size=25).map(" ".join) | st.text(max_size=60)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCRIPTS)
def test_run_never_raises(script):
    rs = Runspace(fake_registry(), {"world": World()}, step_budget=20_000)
    result = rs.run(script)
    assert isinstance(result, PSResult)
    assert isinstance(result.text, str)
    assert result.had_errors == bool(result.errors)


@settings(max_examples=500, deadline=None)
@given(SCRIPTS)
def test_parse_raises_only_parse_errors(script):
    try:
        parse(script)
    except ParseError as e:
        assert e.record.render().startswith("At line:")
