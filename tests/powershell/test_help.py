"""Get-Help and Get-Command from the registry."""
from __future__ import annotations


def test_get_help_shows_synopsis_and_generated_syntax_per_set(run):
    (text,) = run("Get-Help Set-Thing").output
    assert text == (
        "\n"
        "NAME\n"
        "    Set-Thing\n"
        "\n"
        "SYNOPSIS\n"
        "    Sets the value of a thing.\n"
        "\n"
        "\n"
        "SYNTAX\n"
        "    Set-Thing [-Name] <String> [-Value] <UInt32> [-Mode <String>] [-Kind {Private | Internal | External}] "
        "[-Enabled <Boolean>] [-PassThru] [-Options <Hashtable[]>] [-Notes <String>] [-WhatIf] [-Confirm] "
        "[<CommonParameters>]\n"
        "\n"
        "    Set-Thing [-Thing] <Thing> [-Value] <UInt32> [-Mode <String>] [-Kind {Private | Internal | External}] "
        "[-Enabled <Boolean>] [-PassThru] [-Options <Hashtable[]>] [-Notes <String>] [-WhatIf] [-Confirm] "
        "[<CommonParameters>]\n"
        "\n"
        "\n"
        "ALIASES\n"
        "    None\n"
        "\n"
        "\n"
        "REMARKS\n"
        '    To see the examples, type: "get-help Set-Thing -examples".\n'
        '    For more information, type: "get-help Set-Thing -detailed".\n'
        '    For technical information, type: "get-help Set-Thing -full".\n')


def test_get_help_optional_positional_and_aliases(run):
    (text,) = run("help Where-Object").output
    assert "Where-Object [[-Property] <String>]" not in text
    assert "    Where-Object [-Property] <String> [[-Value] <Object>] [-EQ] [-InputObject <Object>]" in text
    assert "ALIASES\n    ?\n    where\n" in text
    assert "    Get-Thing [[-Name] <String[]>] [-ComputerName <String[]>] [<CommonParameters>]" in run(
        "Get-Help Get-Thing").output[0]


def test_get_help_for_an_unknown_topic(run):
    record = run("Get-Help Get-Nothing").errors[0]
    assert record.message.startswith("Get-Help could not find Get-Nothing in a help file in this session.")
    assert record.fqid == "HelpNotFound,Microsoft.PowerShell.Commands.GetHelpCommand"


def test_get_command_by_wildcard_and_module(run):
    assert [c["Name"] for c in run("Get-Command *-Thing").output] == ["Get-Thing", "Move-Thing", "Set-Thing",
                                                                      "Start-Thing"]
    assert [c["Name"] for c in run("Get-Command -Module FakeModule -Verb Get").output] == ["Get-Thing"]


def test_get_command_lists_aliases(run):
    assert [c["DisplayName"] for c in run("Get-Command ft").output] == ["ft -> Format-Table"]


def test_get_command_unknown_name(run):
    record = run("Get-Command Get-Nothing").errors[0]
    assert record.category_info == "ObjectNotFound: (Get-Nothing:String) [Get-Command], CommandNotFoundException"
    assert record.fqid == "CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand"


def test_get_command_wildcard_without_match_is_silent(run):
    result = run("Get-Command Nothing*")
    assert result.output == [] and not result.errors


def test_get_member_groups_by_type_name(run):
    assert run("Get-Thing | Get-Member").text == (
        "\n\n"
        "   TypeName: Fake.Thing\n"
        "\n"
        "Name                 MemberType     Definition\n"
        "----                 ----------     ----------\n"
        "Equals               Method         bool Equals(System.Object obj)\n"
        "GetHashCode          Method         int GetHashCode()\n"
        "GetType              Method         type GetType()\n"
        "ToString             Method         string ToString()\n"
        "Name                 Property       string Name {get;}\n"
        "Value                Property       int Value {get;set;}\n"
        "\n\n")


def test_get_member_lists_each_type_once_with_note_properties(run):
    result = run("[pscustomobject]@{Name = 'x'}, [pscustomobject]@{Name = 'y'}, 'text' | Get-Member -Name N*, L*")
    assert [(m["TypeName"], m["Name"], m["Definition"]) for m in result.output] == [
        ("System.Management.Automation.PSCustomObject", "Name", "System.String Name=x"),
        ("System.String", "Length", "int Length {get;}")]
    assert "\n   TypeName: System.String\n" in result.text
