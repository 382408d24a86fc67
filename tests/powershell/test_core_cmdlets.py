"""Where-Object, ForEach-Object, Select-Object, Sort-Object, Measure-Object, Write-Output."""
from __future__ import annotations


def out(run, script):
    result = run(script)
    assert not result.errors, result.text
    return result.output


def names(objects):
    return [o["Name"] for o in objects]


def test_where_object_script_block(run):
    assert names(out(run, "Get-Thing | Where-Object { $_.Value -gt 1 }")) == ["beta"]


def test_where_object_simplified_syntax(run):
    assert names(out(run, "Get-Thing | Where-Object Value -eq 1")) == ["alpha"]
    assert names(out(run, "Get-Thing | ? Name -like 'b*'")) == ["beta"]
    assert names(out(run, "Get-Thing | where Name -NotLike 'b*'")) == ["alpha"]
    assert names(out(run, "Get-Thing | Where-Object Name -In 'beta', 'gamma'")) == ["beta"]
    assert names(out(run, "Get-Thing | Where-Object Name -CEQ 'Alpha'")) == []


def test_where_object_property_only_tests_truthiness(run):
    assert out(run, "[pscustomobject]@{On = $true}, [pscustomobject]@{On = $false} | Where-Object On | "
                    "ForEach-Object { 'x' }") == ["x"]


def test_foreach_object_forms(run):
    assert out(run, "1..3 | ForEach-Object { $_ * 10 }") == [10, 20, 30]
    assert out(run, "Get-Thing | % Name") == ["alpha", "beta"]
    assert out(run, "1, 2 | ForEach-Object -Begin { 'start' } -Process { $_ } -End { 'end' }") == [
        "start", 1, 2, "end"]
    assert out(run, "1, 2 | % { 'b' } { $_ } { 'e' }") == ["b", 1, 2, "e"]


def test_foreach_object_runs_in_the_callers_scope(run):
    assert out(run, "$sum = 0; 1..4 | % { $sum += $_ }; $sum") == [10]


def test_select_object_properties_and_calculated(run):
    (first, _) = out(run, "Get-Thing | Select-Object Name, @{n='Twice'; e={ $_.Value * 2 }}")
    assert first.items() == [("Name", "alpha"), ("Twice", 2)]
    assert first.type_names[0] == "Selected.Fake.Thing"


def test_select_object_property_names_take_the_real_casing(run):
    (first,) = out(run, "Get-Thing alpha | Select-Object name")
    assert first.names() == ["Name"]


def test_select_object_first_last_skip_unique_expand(run):
    assert out(run, "1..10 | Select-Object -First 3") == [1, 2, 3]
    assert out(run, "1..10 | Select-Object -Last 2") == [9, 10]
    assert out(run, "1..5 | Select-Object -Skip 3") == [4, 5]
    assert out(run, "1, 2, 1, 3, 2 | Select-Object -Unique") == [1, 2, 3]
    assert out(run, "Get-Thing | Select-Object -ExpandProperty Name") == ["alpha", "beta"]


def test_select_object_expand_missing_property(run):
    record = run("Get-Thing alpha | Select-Object -ExpandProperty Nope").errors[0]
    assert record.message == 'Property "Nope" cannot be found.'
    assert record.fqid == "ExpandPropertyNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand"


def test_sort_object(run):
    assert out(run, "3, 1, 2 | Sort-Object") == [1, 2, 3]
    assert out(run, "'b', 'A', 'c' | Sort-Object -Descending") == ["c", "b", "A"]
    assert names(out(run, "Get-Thing | Sort-Object Value -Descending")) == ["beta", "alpha"]
    assert names(out(run, "Get-Thing | Sort-Object { -$_.Value }")) == ["beta", "alpha"]
    assert out(run, "2, 1, 2 | Sort-Object -Unique") == [1, 2]


def test_measure_object(run):
    (m,) = out(run, "Get-Thing | Measure-Object -Property Value -Sum -Average -Maximum -Minimum")
    assert (m["Count"], m["Sum"], m["Average"], m["Maximum"], m["Minimum"], m["Property"]) == (2, 3.0, 1.5, 2.0, 1.0,
                                                                                               "Value")
    assert out(run, "(Get-Thing | Measure-Object).Count") == [2]


def test_measure_object_missing_property(run):
    record = run("Get-Thing | Measure-Object -Property Nope -Sum").errors[0]
    assert record.message == 'The property "Nope" cannot be found in the input for any objects.'


def test_write_output_enumerates_arrays(run):
    assert out(run, "Write-Output 1, 2 | Measure-Object | % Count") == [2]


def test_pipeline_of_null_runs_the_command_once(run):
    assert out(run, "$null | ForEach-Object { 'ran' }") == ["ran"]
    assert out(run, "@() | ForEach-Object { 'ran' }") == []
