"""Control flow, error flow between statements, try/catch/throw, exit, and the step budget."""
from __future__ import annotations

from engine.powershell import Runspace


def out(run, script):
    result = run(script)
    assert not result.errors, result.text
    return result.output


def test_if_elseif_else(run):
    script = "foreach ($n in 1, 5, 9) { if ($n -lt 3) { 'low' } elseif ($n -lt 7) { 'mid' } else { 'high' } }"
    assert out(run, script) == ["low", "mid", "high"]


def test_foreach_over_command_output(run):
    assert out(run, "foreach ($t in Get-Thing) { $t.Name.ToUpper() }") == ["ALPHA", "BETA"]


def test_foreach_over_null_does_not_iterate(run):
    assert out(run, "foreach ($x in $null) { 'body' }") == []


def test_for_and_while_with_break_and_continue(run):
    assert out(run, "for ($i = 0; $i -lt 5; $i++) { if ($i -eq 1) { continue }; if ($i -eq 3) { break }; $i }") == [0, 2]
    assert out(run, "$i = 0; while ($i -lt 3) { $i; $i++ }") == [0, 1, 2]


def test_statement_on_the_line_after_a_block(run):
    assert out(run, "if ($true) { 'a' }\n'b'") == ["a", "b"]


def test_script_continues_after_a_statement_terminating_error(run):
    result = run("Get-Nothing\n'after'")
    assert result.output == ["after"] and len(result.errors) == 1


def test_script_continues_after_a_non_terminating_error(run):
    result = run("Get-Thing alpha, nope, beta; 'done'")
    assert [o if isinstance(o, str) else o["Name"] for o in result.output] == ["alpha", "beta", "done"]
    assert len(result.errors) == 1


def test_throw_stops_the_script(run):
    result = run("'before'; throw 'boom'; 'after'")
    assert result.output == ["before"]
    assert result.text == ("before\n"
                           "boom\n"
                           "At line:1 char:11\n"
                           "+ 'before'; throw 'boom'; 'after'\n"
                           "+           ~~~~~~~~~~~~\n"
                           "    + CategoryInfo          : OperationStopped: (boom:String) [], RuntimeException\n"
                           "    + FullyQualifiedErrorId : boom\n\n")


def test_try_catch_gives_the_error_record_in_dollar_underscore(run):
    assert out(run, "try { throw 'boom' } catch { 'caught: ' + $_.Exception.Message }") == ["caught: boom"]


def test_try_catches_runtime_errors_and_stop_errors(run):
    assert out(run, "try { 1 / 0 } catch { $_.FullyQualifiedErrorId }") == ["RuntimeException"]
    assert out(run, "try { Get-Thing nope -ErrorAction Stop; 'not here' } catch { \"$_\" }") == [
        "Cannot find a thing named 'nope'."]


def test_try_does_not_catch_non_terminating_errors(run):
    result = run("try { Get-Thing nope; 'continued' } catch { 'caught' }")
    assert result.output == ["continued"] and len(result.errors) == 1


def test_finally_runs(run):
    result = run("try { throw 'x' } finally { 'cleanup' }")
    assert result.output == ["cleanup"] and len(result.errors) == 1


def test_typed_catch(run):
    assert out(run, "try { throw 'x' } catch [System.Management.Automation.RuntimeException] { 'rt' }") == ["rt"]


def test_exit_sets_the_exit_status(run):
    result = run("'a'; exit 3; 'b'")
    assert result.output == ["a"] and result.exit_status == 3


def test_dollar_question_mark(run):
    assert out(run, "Get-Thing alpha | Out-Null; $?") == [True]
    result = run("Get-Thing nope; $?")
    assert result.output == [False]


def test_error_action_preference_variable(run):
    result = run("$ErrorActionPreference = 'Stop'; Get-Thing nope; 'after'")
    assert result.output == [] and len(result.errors) == 1


def test_error_variable(run):
    assert out(run, "Get-Thing nope -ErrorAction SilentlyContinue -ErrorVariable e; $e.Count") == [1]


def test_dollar_error_keeps_the_latest_first(run):
    run("Get-Thing one -ErrorAction SilentlyContinue")
    run("Get-Thing two -ErrorAction SilentlyContinue")
    assert out(run, "$Error[0].TargetObject; $Error.Count") == ["two", 2]


def test_step_budget_stops_runaway_scripts(world):
    rs = Runspace(services={"world": world}, step_budget=10_000)
    result = rs.run("while ($true) { }")
    assert result.had_errors
    assert result.errors[0].message == "The script was stopped because it used more than 10000 evaluation steps."
    assert result.errors[0].fqid == "ScriptStepBudgetExceeded"


def test_step_budget_is_not_caught_by_try(world):
    rs = Runspace(services={"world": world}, step_budget=5_000)
    result = rs.run("try { while ($true) { } } catch { 'caught' }")
    assert result.output == [] and result.errors[0].fqid == "ScriptStepBudgetExceeded"


def test_huge_ranges_count_against_the_budget(world):
    rs = Runspace(services={"world": world}, step_budget=1_000)
    assert rs.run("1..100000000").errors[0].fqid == "ScriptStepBudgetExceeded"


def test_deep_nesting_becomes_an_error_record(run):
    result = run("(" * 400 + "1" + ")" * 400)
    assert result.output == [1] or result.errors[0].fqid == "CallDepthOverflow"


def test_growing_strings_count_against_the_budget(world):
    rs = Runspace(services={"world": world}, step_budget=100_000)
    assert rs.run("$s = 'x'; while ($true) { $s += $s }").errors[0].fqid == "ScriptStepBudgetExceeded"


def test_giant_padding_is_refused(run):
    assert run("'x'.PadLeft(2000000000)").errors[0].fqid == "OutOfMemoryException"
    assert run("'{0,2000000000}' -f 1").errors[0].fqid == "FormatError"


def test_error_action_preference_stop_also_stops_on_statement_errors(run):
    result = run("$ErrorActionPreference = 'Stop'; Get-Nothing; 'after'")
    assert result.output == [] and len(result.errors) == 1


def test_increment_of_a_non_number_is_an_error_record(run):
    result = run("$d = @{}; $d++")
    assert result.errors[0].message == ("The '++' operator works only on numbers. The operand is a "
                                        "'System.Collections.Hashtable'.")
