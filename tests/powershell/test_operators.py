"""Operators: comparisons (case-insensitive, array filters), -like/-match, arithmetic, logic, formatting."""
from __future__ import annotations

import pytest


def value(run, script):
    result = run(script)
    assert not result.errors, result.text
    return result.output[0] if len(result.output) == 1 else result.output


@pytest.mark.parametrize("script, expected", [
    ("'abc' -eq 'ABC'", True), ("'abc' -ceq 'ABC'", False), ("'abc' -ne 'ABD'", True), ("'abc' -cne 'ABC'", True),
    ("1 -eq '1'", True), ("'1' -eq 1", True), ("1 -eq 'x'", False), ("$null -eq $null", True),
    ("$null -eq 0", False), ("5 -gt 3", True), ("5 -ge 5", True), ("2 -lt 10", True), ("'2' -lt 10", False),
    ("2 -le 2.5", True), ("'b' -gt 'A'", True), ("'b' -cgt 'B'", True),
])
def test_equality_and_ordering(run, script, expected):
    assert value(run, script) is expected


@pytest.mark.parametrize("script, expected", [
    ("'Running' -like 'run*'", True), ("'Running' -clike 'run*'", False), ("'VM12' -like 'VM??'", True),
    ("'VM1' -like 'VM[0-9]'", True), ("'VMx' -like 'VM[0-9]'", False), ("'a*b' -like 'a`*b'", True),
    ("'Off' -notlike 'Run*'", True), ("'HV1.contoso.com' -like '*.contoso.com'", True),
])
def test_like(run, script, expected):
    assert value(run, script) is expected


def test_match_is_case_insensitive_and_sets_matches(run):
    assert value(run, "'VM-042' -match 'vm-(\\d+)'; $Matches[1]; $Matches[0]") == [True, "042", "VM-042"]


def test_match_named_groups(run):
    assert value(run, "'host=HV2' -match 'host=(?<h>\\w+)'; $Matches.h") == [True, "HV2"]


def test_cmatch_and_notmatch(run):
    assert value(run, "'ABC' -cmatch 'abc'; 'ABC' -notmatch 'x'") == [False, True]


def test_invalid_regex_is_a_runtime_error(run):
    result = run("'a' -match '('")
    assert result.errors[0].message == "Invalid regular expression pattern: (."
    assert result.errors[0].fqid == "InvalidRegularExpression"


@pytest.mark.parametrize("script, expected", [
    ("1, 2, 3 -contains 2", True), ("1, 2, 3 -contains '2'", True), ("'a', 'b' -contains 'B'", True),
    ("'a', 'b' -ccontains 'B'", False), ("1, 2 -notcontains 3", True), ("2 -in 1, 2, 3", True),
    ("'x' -notin 'a', 'b'", True), ("'B' -cin 'a', 'b'", False),
])
def test_collection_operators(run, script, expected):
    assert value(run, script) is expected


def test_comparison_with_array_on_the_left_filters(run):
    assert value(run, "1, 2, 3, 2 -eq 2") == [2, 2]
    assert value(run, "'Running', 'Off', 'Running' -ne 'running'") == "Off"
    assert value(run, "'VM1', 'VM2', 'DC1' -like 'VM*'") == ["VM1", "VM2"]
    assert value(run, "1, 5, 10 -gt 4") == [5, 10]


def test_replace_split_join(run):
    assert value(run, "'VM1-old' -replace 'OLD', 'new'") == "VM1-new"
    assert value(run, "'a1b22' -replace '(\\d+)', '<$1>'") == "a<1>b<22>"
    assert value(run, "'a,b,,c' -split ','") == ["a", "b", "", "c"]
    assert value(run, "1, 2, 3 -join '+'") == "1+2+3"
    assert value(run, "-join ('a', 'b')") == "ab"


@pytest.mark.parametrize("script, expected", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("7 / 2", 3.5), ("8 / 2", 4), ("7 % 3", 1), ("-7 % 3", -1),
    ("'a' + 1", "a1"), ("1 + '2'", 3), ("'ab' * 3", "ababab"), ("4GB / 1MB", 4096), ("$null + 5", 5),
    ("-(2 + 3)", -5), ("10 - -2", 12),
])
def test_arithmetic(run, script, expected):
    assert value(run, script) == expected


def test_array_addition_and_multiplication(run):
    assert value(run, "(1, 2) + 3") == [1, 2, 3]
    assert value(run, "@(1) * 3") == [1, 1, 1]


def test_hashtable_addition(run):
    assert value(run, "$h = @{a = 1} + @{b = 2}; $h.Count") == 2


def test_division_by_zero(run):
    result = run("1 / 0")
    assert result.errors[0].message == "Attempted to divide by zero."


def test_number_plus_non_number_string(run):
    result = run("1 + 'x'")
    assert result.errors[0].message == ('Cannot convert value "x" to type "System.Int32". Error: "Input string was '
                                        'not in a correct format."')
    assert result.errors[0].fqid == "InvalidCastFromStringToInteger"


@pytest.mark.parametrize("script, expected", [
    ("$true -and $false", False), ("$true -or $false", True), ("-not $true", False), ("!$false", True),
    ("$true -xor $true", False), ("@() -or 0", False), ("'x' -and 1", True), ("@(0) -or ''", False),
])
def test_logical_operators(run, script, expected):
    assert value(run, script) is expected


def test_logical_operators_short_circuit(run):
    assert value(run, "$false -and (1 / 0)") is False


def test_range(run):
    assert value(run, "1..4") == [1, 2, 3, 4]
    assert value(run, "3..1") == [3, 2, 1]


def test_format_operator(run):
    assert value(run, "'{0} has {1:N1} GB, {0}' -f 'VM1', 4.25") == "VM1 has 4.3 GB, VM1"
    assert value(run, "'[{0,5}|{1,-3}]' -f 42, 'a'") == "[   42|a  ]"


def test_casts(run):
    assert value(run, "[int]'42' + 1") == 43
    assert value(run, "[string]42") == "42"
    assert value(run, "[int]2.5; [int]3.5") == [2, 4]
    assert value(run, "[bool]'x'; [bool]0") == [True, False]
    assert value(run, "([int[]]('1', '2'))[1]") == 2


def test_bad_cast_and_unknown_type(run):
    assert run("[int]'abc'").errors[0].fqid == "InvalidCastFromStringToInteger"
    result = run("[Foo.Bar]1")
    assert result.errors[0].message == ("Unable to find type [Foo.Bar]: make sure that the assembly containing this "
                                        "type is loaded.")
    assert result.errors[0].category_info == "InvalidOperation: (Foo.Bar:TypeName) [], RuntimeException"


def test_void_cast_discards(run):
    assert run("[void](1 + 1)").output == []
