"""Console formatting: views, table and list layout, scalars, Format-Table/Format-List/Out-String."""
from __future__ import annotations

import pytest

from engine.powershell import Column, PSObject, Runspace, default_registry


def text(run, script):
    result = run(script)
    assert not result.errors, result.text
    return result.text


def test_scalars_one_per_line(run):
    assert text(run, "1; 'two'; $true; 2.5; 1/3") == "1\ntwo\nTrue\n2.5\n0.333333333333333\n"


def test_table_from_a_registered_view(run):
    assert text(run, "Get-Thing") == (
        "\n"
        "Name  Value\n"
        "----  -----\n"
        "alpha 1\n"
        "beta  2\n"
        "\n\n")


def test_view_columns_with_computed_values_alignment_and_width(world):
    registry = default_registry()
    registry.views.table("Fake.VM", Column("Name"), Column("Memory(M)", lambda o: o["Memory"] // 1048576,
                                                          align="right"), Column("Status", width=10))

    def get(ctx, params):
        ctx.write_output(PSObject([("Name", "VM1"), ("Memory", 4294967296), ("Status", "Operating normally")],
                                  ["Fake.VM"]))
        ctx.write_output(PSObject([("Name", "DC01"), ("Memory", 536870912), ("Status", "OK")], ["Fake.VM"]))
    from engine.powershell import Cmdlet
    registry.register(Cmdlet("Get-FakeVM", "X.GetFakeVMCommand", get))
    assert Runspace(registry).run("Get-FakeVM").text == (
        "\n"
        "Name Memory(M) Status\n"
        "---- --------- ------\n"
        "VM1       4096 Operati...\n"
        "DC01       512 OK\n"
        "\n\n")


def test_objects_without_view_and_few_properties_are_tables_with_numbers_right_aligned(run):
    assert text(run, "[pscustomobject]@{Name = 'VM1'; CPUCount = 2}") == (
        "\n"
        "Name CPUCount\n"
        "---- --------\n"
        "VM1         2\n"
        "\n\n")


def test_objects_with_more_than_four_properties_are_lists(run):
    assert text(run, "[pscustomobject]@{A = 1; B = 'two'; C = $null; D = 1, 2, 3, 4, 5; LongName = $true}") == (
        "\n\n"
        "A        : 1\n"
        "B        : two\n"
        "C        :\n"
        "D        : {1, 2, 3, 4...}\n"
        "LongName : True\n"
        "\n\n\n")


def test_hashtables_show_name_and_value(run):
    assert text(run, "@{Name = 'VM1'; Memory = 4GB}") == (
        "\n"
        "Name                           Value\n"
        "----                           -----\n"
        "Name                           VM1\n"
        "Memory                         4294967296\n"
        "\n\n")


def test_another_type_while_a_table_is_open_prints_out_of_band_as_a_list(run):
    assert text(run, "Get-Thing alpha; [pscustomobject]@{Other = 'x'}; 'text'") == (
        "\n"
        "Name  Value\n"
        "----  -----\n"
        "alpha 1\n"
        "\n"
        "Other : x\n"
        "\n"
        "text\n"
        "\n\n")


def test_error_between_rows_keeps_the_table_going(run):
    assert text_with_errors(run, "Get-Thing alpha, nope, beta").split("\n")[:5] == [
        "", "Name  Value", "----  -----", "alpha 1", "Get-Thing : Cannot find a thing named 'nope'."]


def text_with_errors(run, script):
    return run(script).text


def test_format_table_with_properties_and_calculated_columns(run):
    assert text(run, "Get-Thing | Format-Table Name, @{Label = 'Double'; Expression = { $_.Value * 2 }}") == (
        "\n"
        "Name  Double\n"
        "----  ------\n"
        "alpha      2\n"
        "beta       4\n"
        "\n\n")


def test_format_table_hide_headers(run):
    assert text(run, "Get-Thing | Format-Table -HideTableHeaders") == "\nalpha 1\nbeta  2\n\n\n"


def test_format_list_uses_all_properties_for_view_objects(run):
    assert text(run, "Get-Thing alpha | Format-List") == "\n\nName  : alpha\nValue : 1\n\n\n\n"


def test_format_list_selected_properties_and_star(run):
    assert text(run, "Get-Thing alpha | Format-List Value") == "\n\nValue : 1\n\n\n\n"
    assert text(run, "Get-Thing alpha | fl *") == "\n\nName  : alpha\nValue : 1\n\n\n\n"


def test_multi_line_values_in_lists_are_indented(run):
    assert text(run, "[pscustomobject]@{A = \"x`ny\"; Bb = 1} | Format-List") == (
        "\n\nA  : x\n     y\nBb : 1\n\n\n\n")


def test_out_string_returns_the_console_text(run):
    result = run("Get-Thing alpha | Out-String")
    assert result.output == ["\nName  Value\n----  -----\nalpha 1\n\n\n"]


def test_out_string_stream(run):
    assert run("Get-Thing alpha | Out-String -Stream").output == ["", "Name  Value", "----  -----", "alpha 1", "", ""]


def test_out_null_and_write_host(run):
    assert run("Get-Thing | Out-Null").text == ""
    result = run("Write-Host 'to the host' 42; 'out'")
    assert result.text == "to the host 42\nout\n" and result.output == ["out"]


def test_select_object_output_is_a_table(run):
    assert text(run, "Get-Thing | Select-Object Name") == "\nName\n----\nalpha\nbeta\n\n\n"


def test_get_command_view(run):
    assert text(run, "Get-Command Get-Thing") == (
        "\n"
        "CommandType     Name                                               ModuleName\n"
        "-----------     ----                                               ----------\n"
        "Cmdlet          Get-Thing                                          FakeModule\n"
        "\n\n")


def test_measure_object_is_a_list(run):
    assert text(run, "1, 2, 3 | Measure-Object -Sum") == (
        "\n\n"
        "Count    : 3\n"
        "Average  :\n"
        "Sum      : 6\n"
        "Maximum  :\n"
        "Minimum  :\n"
        "Property :\n"
        "\n\n\n")


def test_warning_and_verbose(run):
    assert run("Write-Warning 'careful'").text == "WARNING: careful\n"
    assert run("Write-Verbose 'hidden'").text == ""
    assert run("Write-Verbose 'shown' -Verbose").text == "VERBOSE: shown\n"


def test_warning_preference(run):
    assert run("$WarningPreference = 'SilentlyContinue'; Write-Warning 'quiet'").text == ""


@pytest.mark.parametrize("script", [
    "$null.Incompatibilities | Format-Table Message, MessageId", "@() | Format-Table", "$null | Format-Table",
    "@() | Format-Table Name, Value", "$null | Format-List", "@() | Format-List *", "$null | Out-Default",
    "@() | Out-Default", "$r = $null; $r | Format-Table -AutoSize"])
def test_formatters_without_input_objects_print_nothing(run, script):
    result = run(script)
    assert result.text == ""
    assert result.output == [] and result.errors == []


def test_format_table_skips_null_input_between_objects(run):
    assert run("$null, (Get-Thing alpha), $null | Format-Table").text == run("Get-Thing alpha | Format-Table").text
