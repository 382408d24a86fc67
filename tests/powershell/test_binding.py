"""Parameter binding: named, prefixes, aliases, positional, switches, -X:$v, pipeline by value and by property
name, parameter sets, common parameters, and each binding error with PowerShell's text and ids."""
from __future__ import annotations

import pytest

from engine.powershell import Cmdlet, Param, Runspace, default_registry

SET = "Fake.Commands.SetThingCommand"


def names(result):
    return [o["Name"] for o in result.output]


def error(result):
    assert len(result.errors) == 1, result.text
    return result.errors[0]


def test_named_parameter(run):
    assert names(run("Get-Thing -Name alpha")) == ["alpha"]


def test_named_parameter_is_case_insensitive(run):
    assert names(run("get-thing -NAME beta")) == ["beta"]


def test_unambiguous_prefix(run):
    assert names(run("Get-Thing -Na alpha")) == ["alpha"]


def test_alias(run):
    assert names(run("Get-Thing -ThingName alpha")) == ["alpha"]


def test_colon_form(run):
    assert names(run("$n = 'beta'; Get-Thing -Name:$n")) == ["beta"]


def test_positional_array_argument(run):
    assert names(run("Get-Thing alpha, beta")) == ["alpha", "beta"]


def test_type_conversion_of_string_to_uint(run, world):
    run("Set-Thing alpha '42'")
    assert world.things["alpha"] == 42


def test_switch_and_switch_with_colon_value(run):
    assert names(run("Set-Thing alpha 1 -PassThru")) == ["alpha"]
    assert run("Set-Thing alpha 1 -PassThru:$false").output == []


def test_bool_parameter_takes_true_and_numbers(run):
    assert not run("Set-Thing alpha 1 -Enabled $true; Set-Thing alpha 1 -Enabled 0").errors


def test_bool_parameter_rejects_strings(run):
    e = error(run("Set-Thing alpha 1 -Enabled yes"))
    assert e.message == ("Cannot process argument transformation on parameter 'Enabled'. Cannot convert value "
                         '"System.String" to type "System.Boolean". Boolean parameters accept only Boolean values and '
                         "numbers, such as $True, $False, 1 or 0.")
    assert e.fqid == "ParameterArgumentTransformationError," + SET
    assert e.category_info == "InvalidData: (:) [Set-Thing], ParameterBindingArgumentTransformationException"


def test_hashtable_array_parameter(run):
    assert not run("Set-Thing alpha 1 -Options @{a = 1}, @{b = 2}").errors


def test_ambiguous_parameter(run):
    e = error(run("Set-Thing alpha 1 -E x"))
    assert e.message == ("Parameter cannot be processed because the parameter name 'E' is ambiguous. Possible matches "
                         "include: -Enabled -ErrorAction -ErrorVariable.")
    assert e.fqid == "AmbiguousParameter," + SET
    assert e.category_info == "InvalidArgument: (:) [Set-Thing], ParameterBindingException"


def test_ambiguous_parameter_renders_at_the_parameter(run):
    assert run("Set-Thing alpha 1 -E x").text == (
        "Set-Thing : Parameter cannot be processed because the parameter name 'E' is ambiguous. Possible matches "
        "include: -Enabled -ErrorAction -ErrorVariable.\n"
        "At line:1 char:19\n"
        "+ Set-Thing alpha 1 -E x\n"
        "+                   ~~\n"
        "    + CategoryInfo          : InvalidArgument: (:) [Set-Thing], ParameterBindingException\n"
        "    + FullyQualifiedErrorId : AmbiguousParameter,Fake.Commands.SetThingCommand\n\n")


def test_parameter_not_found(run):
    assert run("Get-Thing -Colour red").text == (
        "Get-Thing : A parameter cannot be found that matches parameter name 'Colour'.\n"
        "At line:1 char:11\n"
        "+ Get-Thing -Colour red\n"
        "+           ~~~~~~~\n"
        "    + CategoryInfo          : InvalidArgument: (:) [Get-Thing], ParameterBindingException\n"
        "    + FullyQualifiedErrorId : NamedParameterNotFound,Fake.Commands.GetThingCommand\n\n")


def test_missing_mandatory_parameter(run):
    assert run("Set-Thing alpha").text == (
        "Set-Thing : Cannot process command because of one or more missing mandatory parameters: Value.\n"
        "At line:1 char:1\n"
        "+ Set-Thing alpha\n"
        "+ ~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : InvalidArgument: (:) [Set-Thing], ParameterBindingException\n"
        "    + FullyQualifiedErrorId : MissingMandatoryParameter,Fake.Commands.SetThingCommand\n\n")


def test_missing_mandatory_parameters_are_all_listed(run):
    assert error(run("Set-Thing")).message == ("Cannot process command because of one or more missing mandatory "
                                               "parameters: Name Value.")


def test_positional_parameter_not_found(run):
    e = error(run("Set-Thing alpha 1 extra"))
    assert e.message == "A positional parameter cannot be found that accepts argument 'extra'."
    assert e.fqid == "PositionalParameterNotFound," + SET
    assert e.extent.start == 0


def test_cannot_convert_argument(run):
    result = run("Set-Thing alpha lots")
    assert result.text == (
        "Set-Thing : Cannot bind parameter 'Value'. Cannot convert value \"lots\" to type \"System.UInt32\". Error: "
        "\"Input string was not in a correct format.\"\n"
        "At line:1 char:17\n"
        "+ Set-Thing alpha lots\n"
        "+                 ~~~~\n"
        "    + CategoryInfo          : InvalidArgument: (:) [Set-Thing], ParameterBindingException\n"
        "    + FullyQualifiedErrorId : CannotConvertArgumentNoMessage,Fake.Commands.SetThingCommand\n\n")


def test_uint_out_of_range(run):
    assert error(run("Set-Thing alpha -1")).message == (
        "Cannot bind parameter 'Value'. Cannot convert value \"-1\" to type \"System.UInt32\". Error: \"Value was "
        "either too large or too small for a UInt32.\"")


def test_array_to_string_parameter(run):
    e = error(run("Set-Thing alpha 1 -Notes a, b"))
    assert e.message == ("Cannot convert 'System.Object[]' to the type 'System.String' required by parameter 'Notes'. "
                         "Specified method is not supported.")
    assert e.fqid == "CannotConvertArgument," + SET


def test_validate_set(run):
    e = error(run("Set-Thing alpha 1 -Mode Medium"))
    assert e.message == ("Cannot validate argument on parameter 'Mode'. The argument \"Medium\" does not belong to "
                         "the set \"Fast,Slow\" specified by the ValidateSet attribute. Supply an argument that is in "
                         "the set and then try the command again.")
    assert e.fqid == "ParameterArgumentValidationError," + SET
    assert e.category_info == "InvalidData: (:) [Set-Thing], ParameterBindingValidationException"


def test_validate_set_is_case_insensitive(run):
    assert not run("Set-Thing alpha 1 -Mode fast").errors


def test_enum_conversion(run):
    assert not run("Set-Thing alpha 1 -Kind internal").errors
    assert error(run("Set-Thing alpha 1 -Kind Foo")).message == (
        "Cannot bind parameter 'Kind'. Cannot convert value \"Foo\" to type \"Fake.ThingKind\". Error: \"Unable to "
        "match the identifier name Foo to a valid enumerator name.  Specify one of the following enumerator names "
        "and try again: Private, Internal, External\"")


def test_missing_argument(run):
    e = error(run("Get-Thing -Name"))
    assert e.message == ("Missing an argument for parameter 'Name'. Specify a parameter of type 'System.String[]' and "
                         "try again.")
    assert e.fqid == "MissingArgument,Fake.Commands.GetThingCommand"


def test_parameter_specified_twice(run):
    assert error(run("Get-Thing -Name a -Name b")).fqid == "ParameterAlreadyBound,Fake.Commands.GetThingCommand"


def test_mandatory_null_and_empty_string(run):
    assert error(run("Set-Thing $null 1")).message == "Cannot bind argument to parameter 'Name' because it is null."
    assert error(run("Set-Thing '' 1")).message == ("Cannot bind argument to parameter 'Name' because it is an empty "
                                                    "string.")


def test_ambiguous_parameter_set(run):
    e = error(run("Set-Thing -Name alpha -Thing (Get-Thing alpha) -Value 1"))
    assert e.message == "Parameter set cannot be resolved using the specified named parameters."
    assert e.fqid == "AmbiguousParameterSet," + SET


def test_parameter_set_chosen_by_the_argument_type(run, world):
    run("Set-Thing (Get-Thing beta) 5")
    assert world.things["beta"] == 5


def test_pipeline_by_value(run, world):
    run("Get-Thing alpha | Set-Thing -Value 3")
    assert world.things["alpha"] == 3


def test_pipeline_by_property_name(run, world):
    run("[pscustomobject]@{Name = 'beta'} | Set-Thing -Value 8")
    assert world.things["beta"] == 8


def test_pipeline_by_value_of_strings(run):
    assert names(run("'beta', 'alpha' | Get-Thing")) == ["beta", "alpha"]


def test_input_object_not_bound(run):
    result = run("42 | Set-Thing -Value 1")
    e = error(result)
    assert e.message == ("The input object cannot be bound to any parameters for the command either because the "
                         "command does not take pipeline input or the input and its properties do not match any of the "
                         "parameters that take pipeline input.")
    assert e.category_info == "InvalidArgument: (42:Int32) [Set-Thing], ParameterBindingException"
    assert e.fqid == "InputObjectNotBound," + SET


def test_binding_errors_stop_the_whole_pipeline_before_it_runs(run, world):
    result = run("Set-Thing alpha 99 | Get-Thing -Bogus")
    assert world.things["alpha"] == 1 and error(result).fqid.startswith("NamedParameterNotFound")


def test_whatif(run, world):
    result = run("Set-Thing alpha 5 -WhatIf")
    assert result.text == 'What if: Performing operation "Set value" on Target "alpha".\n'
    assert world.things["alpha"] == 1


def test_confirm_false_and_verbose_are_accepted(run, world):
    assert not run("Set-Thing alpha 5 -Confirm:$false -Verbose").errors
    assert world.things["alpha"] == 5


def test_whatif_is_refused_by_commands_without_should_process(run):
    assert error(run("Get-Thing -WhatIf")).fqid.startswith("NamedParameterNotFound")


def test_error_action_silently_continue(run):
    result = run("Get-Thing nope -ErrorAction SilentlyContinue; 'ok'")
    assert result.output == ["ok"] and not result.errors


def test_error_action_alias_and_bad_value(run):
    assert not run("Get-Thing nope -ea SilentlyContinue").errors
    assert error(run("Get-Thing -ErrorAction Sometimes")).fqid.startswith("CannotConvertArgumentNoMessage")


def test_remaining_arguments(run):
    assert run("Write-Output a b c").output == ["a", "b", "c"]


def test_declaration_errors_are_caught_early():
    with pytest.raises(ValueError):
        Cmdlet("Bad-Thing", "X", lambda c, p: None, [Param("A", "string", position=0), Param("B", "int", position=0)])
    with pytest.raises(ValueError):
        Cmdlet("Bad-Thing", "X", lambda c, p: None, [Param("A", "nosuchtype")])


def test_registry_is_copied_not_shared():
    base = default_registry()
    extended = base.copy()
    extended.register(Cmdlet("Get-Extra", "X.GetExtraCommand", lambda ctx, p: ctx.write_output(1)))
    assert Runspace(extended).run("Get-Extra").output == [1]
    assert Runspace(base).run("Get-Extra").errors[0].fqid == "CommandNotFoundException"


def test_registry_aliases():
    registry = default_registry()
    registry.add_alias("gt", "Get-Thing")
    registry.register(Cmdlet("Get-Thing", "X.GetThingCommand", lambda ctx, p: ctx.write_output("thing")))
    assert Runspace(registry).run("gt").output == ["thing"]
    assert registry.aliases()["gt"] == "Get-Thing"


def test_splatting_a_hashtable_gives_named_parameters(run, world):
    run("$p = @{Name = 'beta'; Value = 6; PassThru = $true}; Set-Thing @p -Mode Fast")
    assert world.things["beta"] == 6


def test_splatting_an_array_gives_positional_arguments(run, world):
    run("$a = 'alpha', 4; Set-Thing @a")
    assert world.things["alpha"] == 4


# ------------------------------------------------------------------------- positional after named (Compare-VM)
def _compare_registry():
    registry = default_registry()
    registry.register(Cmdlet("Compare-Item", "Fake.Commands.CompareItemCommand",
                             lambda ctx, p: ctx.write_output(";".join(f"{k}={p[k]}" for k in sorted(p))), [
        Param("Name", "string", sets=["Name"], mandatory=True, position=0),
        Param("Path", "string", sets=["Register", "Copy"], mandatory=True, position=0),
        Param("VhdDestinationPath", "string", sets=["Copy"], position=1),
        Param("Copy", "switch", sets=["Copy"], mandatory=True),
        Param("Register", "switch", sets=["Register"])], default_set="Name"))
    return Runspace(registry)


def test_positional_argument_binds_to_the_next_unbound_position():
    # Compare-VM -Path X -Copy D:\Dir: Path (position 0) is bound by name, so D:\Dir goes to position 1
    result = _compare_registry().run(r"Compare-Item -Path C:\vm.xml -Copy D:\Dir")
    assert result.errors == []
    assert result.output == [r"Copy=True;Path=C:\vm.xml;VhdDestinationPath=D:\Dir"]


def test_positional_argument_before_the_named_one_still_takes_position_zero():
    result = _compare_registry().run(r"Compare-Item C:\vm.xml D:\Dir -Copy")
    assert result.output == [r"Copy=True;Path=C:\vm.xml;VhdDestinationPath=D:\Dir"]


def test_move_thing_named_first_then_positional(run):
    result = run("Move-Thing -Name alpha HV2")
    assert result.errors[0].message == "Moving 'alpha' to 'HV2' failed.\nThe destination refused the connection."


def test_positional_left_over_when_no_unbound_position_remains():
    result = _compare_registry().run(r"Compare-Item -Path C:\vm.xml -Register D:\Dir")
    e = error(result)
    assert e.message == "A positional parameter cannot be found that accepts argument 'D:\\Dir'."
    assert e.fqid == "PositionalParameterNotFound,Fake.Commands.CompareItemCommand"


# ------------------------------------------------------------------------- -ErrorAction / -WarningAction values
@pytest.mark.parametrize("action", ["-ea 0", "-ErrorAction 0", "-EA SilentlyContinue", "-ea:0", "-ea '0'",
                                    "-erroraction silentlycontinue"])
def test_error_action_silently_continue_numeric_and_abbreviated(run, action):
    result = run(f"Get-Thing nope {action}; 'after'; $Error.Count")
    assert result.text == "after\n1\n"
    assert result.errors == []


@pytest.mark.parametrize("action", ["-ea Stop", "-ErrorAction 1", "-ea 1"])
def test_error_action_stop_numeric_and_abbreviated(run, action):
    assert run(f"try {{ Get-Thing nope {action}; 'not here' }} catch {{ 'caught' }}").text == "caught\n"


@pytest.mark.parametrize("action", ["-ErrorAction Ignore", "-ea 4"])
def test_error_action_ignore_leaves_error_empty(run, action):
    assert run(f"Get-Thing nope {action}; $Error.Count").text == "0\n"


def test_error_action_continue_numeric(run):
    result = run("Get-Thing nope -ea 2")
    assert result.errors[0].message == "Cannot find a thing named 'nope'."


def test_error_action_undefined_number(run):
    e = error(run("Get-Thing nope -ea 7"))
    assert e.message == ("Cannot bind parameter 'ErrorAction'. Cannot convert value \"7\" to type "
                         "\"System.Management.Automation.ActionPreference\" due to enumeration values that are not "
                         "valid. Specify one of the following enumeration values and try again. The possible "
                         "enumeration values are \"SilentlyContinue,Stop,Continue,Inquire,Ignore,Suspend\".")
    assert e.fqid == "CannotConvertArgumentNoMessage,Fake.Commands.GetThingCommand"


@pytest.mark.parametrize("action", ["-wa 0", "-WarningAction 0", "-WA SilentlyContinue", "-WarningAction Ignore",
                                    "-wa 4"])
def test_warning_action_numeric_and_abbreviated(run, action):
    assert run(f"Write-Warning 'careful' {action}; 'after'").text == "after\n"


def test_warning_action_continue_numeric(run):
    assert run("Write-Warning 'careful' -wa 2").text == "WARNING: careful\n"


# ------------------------------------------------------------------------- preference variables are ActionPreference
@pytest.mark.parametrize("value, expected", [("'stop'", "Stop"), ("1", "Stop"), ("0", "SilentlyContinue"),
                                             ("'silentlycontinue'", "SilentlyContinue"), ("'4'", "Ignore")])
def test_error_action_preference_converts_names_and_numbers(run, value, expected):
    assert run(f"$ErrorActionPreference = {value}; $ErrorActionPreference").output == [expected]


def test_lower_case_stop_preference_stops_the_script(run):
    result = run("$ErrorActionPreference = 'stop'; Get-Thing nope; 'not here'")
    assert result.output == [] and result.errors[0].message == "Cannot find a thing named 'nope'."


def test_numeric_warning_preference(run):
    assert run("$WarningPreference = 0; Write-Warning 'quiet'; 'after'").text == "after\n"


def test_invalid_preference_value_is_refused(run):
    result = run("$ErrorActionPreference = 'Bogus'; $ErrorActionPreference")
    e = result.errors[0]
    assert e.message == ("Cannot convert value \"Bogus\" to type \"System.Management.Automation.ActionPreference\". "
                         "Error: \"Unable to match the identifier name Bogus to a valid enumerator name.  Specify one "
                         "of the following enumerator names and try again: SilentlyContinue, Stop, Continue, Inquire, "
                         "Ignore, Suspend\"")
    assert e.fqid == "RuntimeException"
    assert e.category_info == "MetadataError: (:) [], ArgumentTransformationMetadataException"
    assert result.output == ["Continue"]
