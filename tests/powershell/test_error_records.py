"""Error records render exactly as the PowerShell 4 console prints them."""
from __future__ import annotations

from engine.errors import LabError
from engine.powershell import Cmdlet, Runspace, default_registry


def test_unknown_command(run):
    result = run("Get-Frobnicator -All")
    assert result.text == (
        "Get-Frobnicator : The term 'Get-Frobnicator' is not recognized as the name of a cmdlet, function, script "
        "file, or operable program. Check the spelling of the name, or if a path was included, verify that the path "
        "is correct and try again.\n"
        "At line:1 char:1\n"
        "+ Get-Frobnicator -All\n"
        "+ ~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (Get-Frobnicator:String) [], CommandNotFoundException\n"
        "    + FullyQualifiedErrorId : CommandNotFoundException\n\n")
    assert result.had_errors and result.exit_status == 1


def test_lab_error_from_a_cmdlet_renders_as_a_non_terminating_record(run):
    result = run("Move-Thing alpha HV9")
    assert result.text == (
        "Move-Thing : Moving 'alpha' to 'HV9' failed.\n"
        "The destination refused the connection.\n"
        "At line:1 char:1\n"
        "+ Move-Thing alpha HV9\n"
        "+ ~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ConnectionError: (alpha:Thing) [Move-Thing], "
        "VirtualizationOperationFailedException\n"
        "    + FullyQualifiedErrorId : OperationFailed,Fake.Commands.MoveThingCommand\n\n")
    record = result.errors[0]
    assert record.lab_error.id == "thing.move_failed"


def test_record_points_at_the_command_inside_a_pipeline(run):
    result = run("Get-Thing alpha | Set-Thing -Value 1; Get-Thing alpha | move-thing -Destination HV2")
    assert result.errors[0].render().split("\n")[:4] == [
        "move-thing : Cannot process command because of one or more missing mandatory parameters: Name.",
        "At line:1 char:57",
        "+ ... a | Set-Thing -Value 1; Get-Thing alpha | move-thing -Destination HV2",
        "+ " + " " * 46 + "~" * 27]


def test_prefix_is_the_command_as_typed(run):
    assert run("get-thing nope").errors[0].render().startswith("get-thing : Cannot find a thing named 'nope'.")


def test_error_action_stop_makes_the_error_terminating(run):
    result = run("Move-Thing alpha HV9 -ErrorAction Stop; 'not printed'")
    assert result.output == [] and len(result.errors) == 1


def test_long_target_names_are_shortened_in_category_info(run):
    result = run("Get-Thing " + "x" * 50)
    assert "(xxxxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxxx:String)" in result.errors[0].category_info


def test_write_error_renders_like_the_console(run):
    result = run('Write-Error "Something broke"')
    assert result.text == (
        'Write-Error "Something broke" : Something broke\n'
        "    + CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorException\n"
        "    + FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorException\n\n")


def test_write_error_with_id_and_category(run):
    record = run("Write-Error -Message 'no' -ErrorId Custom -Category InvalidData").errors[0]
    assert (record.fqid, record.category) == ("Custom", "InvalidData")


def test_errors_and_output_keep_their_order(run):
    result = run("'one'; Get-Thing nope; 'two'")
    lines = result.text.split("\n")
    assert lines[0] == "one" and lines[1].startswith("Get-Thing : Cannot find") and "two" in lines


def test_a_defect_in_a_cmdlet_does_not_escape(world):
    registry = default_registry()

    def broken(ctx, params):
        raise KeyError("oops")
    registry.register(Cmdlet("Get-Broken", "X.GetBrokenCommand", broken))
    result = Runspace(registry).run("Get-Broken; 'still running'")
    assert result.output == ["still running"]
    assert result.errors[0].message == "KeyError: 'oops'"


def test_lab_error_without_target(world):
    registry = default_registry()

    def failing(ctx, params):
        raise LabError("x.y", "Unable to import virtual machine due to configuration errors.  Please use Compare-VM "
                              "to repair the virtual machine.", category="NotSpecified",
                       exception_type="VirtualizationOperationFailedException")
    registry.register(Cmdlet("Import-VM", "Microsoft.HyperV.PowerShell.Commands.ImportVMCommand", failing))
    record = Runspace(registry).run("Import-VM").errors[0]
    assert record.category_info == "NotSpecified: (:) [Import-VM], VirtualizationOperationFailedException"
    assert record.fqid == "Unspecified,Microsoft.HyperV.PowerShell.Commands.ImportVMCommand"
