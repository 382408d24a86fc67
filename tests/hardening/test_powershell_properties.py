"""The PowerShell door under hostile input, beyond tests/powershell/test_robustness.py (fake cmdlets there):
token soup against the real lab cmdlets, runaway loops and recursion, and ``ps_quote`` inside pipelines/arrays."""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.backends.emulated import EmulatedBackend
from engine.commands.ps import load_topology
from engine.content.loader import REPO_ROOT
from engine.powershell import PSResult, Runspace, parse, ps_quote
from engine.powershell.errors import ErrorRecord

TOPOLOGY, _ = load_topology(str(REPO_ROOT / "labs" / "topologies" / "standalone-pair.yaml"))

# A PowerShell-ish alphabet weighted toward what the fake-cmdlet fuzzing does not reach: the real Hyper-V/AD
# cmdlets and their parameters, here-string markers at line starts, redirections, splatting, labels, stop-parsing,
# block comments, and the typographic quotes PowerShell also honours.
TOKENS = ["Get-VM", "Move-VM", "Set-VMHost", "Get-VMHost", "Enable-VMMigration", "Add-VMMigrationNetwork",
          "Set-VMProcessor", "Get-VMSwitch", "Set-ADComputer", "Get-Cluster", "Measure-VM", "Start-VM",
          "Stop-VM", "Export-VM", "Checkpoint-VM", "VM1", "HV1", "HV2", "-ComputerName", "-Name",
          "-DestinationHost", "-IncludeStorage", "-DestinationStoragePath",
          "-VirtualMachineMigrationAuthenticationType",
          "-MaximumVirtualMachineMigrations", "-CompatibilityForMigrationEnabled", "-AsJob", "-WhatIf",
          "-ErrorAction", "Kerberos", "$true", "$false", "$null", "$_", "$x", "@x", "2", "-1", "1e309", "0x7fffffff",
          "9999999999999999999", "'", '"', "\u2018", "\u201d", "`", "`n", "{", "}", "(", ")", "[", "]", "@(", "@{",
          "$(", "|", "||", "&&", "&", ";", ",", ".", "::", "..", "=", "+=", "-and", "-join", "-split", "-f",
          "-replace", ">", ">>", "2>&1", "*>", "<", "\n@'\n", "\n'@\n", '\n@"\n', '\n"@\n', "@'", "'@", '@"', '"@',
          "<#", "#>", "#", ":loop", "break loop", "--%", "\r\n", " ", "\t", "while", "for", "foreach", "switch",
          "if", "else", "try", "catch", "finally", "trap", "throw", "param", "begin", "process", "[string]",
          "[int[]]", "[Microsoft.HyperV.PowerShell.VirtualMachine]", "\x00", "\u200b", "\ufeff"]
SOUP = st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join)


@pytest.fixture(scope="module")
def backend() -> EmulatedBackend:
    """One lab for the whole fuzz run: state left by one example is just more input for the next."""
    return EmulatedBackend.from_topology(TOPOLOGY)


@settings(max_examples=300, deadline=timedelta(seconds=10), derandomize=True)
@given(SOUP)
def test_token_soup_against_the_real_lab_cmdlets_only_yields_error_records(backend, script):
    result = backend.run(script, host="HV1")
    assert isinstance(result, PSResult)
    assert all(isinstance(e, ErrorRecord) for e in result.errors)
    # An interpreter defect is reported as InternalError rather than raised; none may show up here.
    assert not [e for e in result.errors if e.fqid == "InternalError"], result.text
    assert backend.snapshot() is not None  # the lab stays readable whatever the script did


RUNAWAYS = ["while($true){}", "for(;;){}", "while(1){while(1){}}", "foreach($i in 1..2147483647){$i}",
            "1..2147483647 | ForEach-Object { $_ }", "$f={& $f}; & $f", "$f={$f.Invoke()}; $f.Invoke()",
            "$s='x'; while($true){$s+=$s}", "$a=@(1); while($true){$a+=$a}",
            "while($true){ try { throw 'x' } catch { continue } }",
            "while($true){ try { while($true){} } finally {} }"]


# The deadline is the "never hangs" assertion: the slowest runaway takes ~2 s at the default budget on one core;
# 20 s leaves room for a loaded CI machine without letting a real hang pass.
@settings(max_examples=len(RUNAWAYS) * 3, deadline=timedelta(seconds=20), derandomize=True)
@given(st.sampled_from(RUNAWAYS), st.sampled_from([2_000, 50_000, 1_000_000]))
def test_runaway_scripts_stop_at_the_step_budget_with_an_error_record(script, budget):
    result = Runspace(step_budget=budget).run(script)
    (record,) = result.errors
    assert record.fqid in ("ScriptStepBudgetExceeded", "CallDepthOverflow"), record.fqid
    assert result.exit_status == 1


@pytest.mark.parametrize("opener, closer", [("(", ")"), ("@(", ")"), ("$(", ")"), ("{", "}"), ("@{a=", "}")])
def test_deep_nesting_is_an_error_record_not_a_crash(opener, closer):
    result = Runspace(step_budget=50_000).run(opener * 5000 + "1" + closer * 5000)
    assert isinstance(result, PSResult)
    assert all(isinstance(e, ErrorRecord) for e in result.errors)


# --- ps_quote beyond `Write-Output <literal>` (tests/powershell/test_quoting.py) --------------------------------

NO_NUL = st.text(alphabet=st.characters(blacklist_characters="\0"), max_size=40) | st.lists(
    st.sampled_from(["'", "\u2018", "\u2019", "\u201a", "\u201b", '"', "\u201c", "$(x)", "`", "|", ";", "@'",
                     "'@\n", "\n", "#", "<#", "--%", "-x", ")", "}", ","]), max_size=12).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(NO_NUL)
def test_a_quoted_string_is_one_pipeline_element(s):
    script = f"{ps_quote(s)} | ForEach-Object {{ $_ }}"
    statement, = parse(script).statements
    assert len(statement.elements) == 2  # the literal and ForEach-Object: nothing was split off
    assert Runspace().run(script).output == [s]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(NO_NUL, min_size=1, max_size=4))
def test_quoted_strings_inside_an_array_subexpression_stay_separate_items(items):
    script = "@(" + ", ".join(ps_quote(s) for s in items) + ") | ForEach-Object { $_ }"
    assert Runspace().run(script).output == items


@settings(max_examples=200, deadline=None, derandomize=True)
@given(NO_NUL, NO_NUL)
def test_a_quoted_string_is_one_argument_after_a_pipeline(s, t):
    script = f"Write-Output {ps_quote(t)} | Out-Null; Write-Output {ps_quote(s)} | Write-Output"
    assert Runspace().run(script).output == [s]


@settings(max_examples=100, deadline=None, derandomize=True)
@given(NO_NUL, NO_NUL)
def test_nul_anywhere_is_refused(before, after):
    with pytest.raises(ValueError):
        ps_quote(before + "\0" + after)
