"""Type literals, the -is/-isnot/-as operators, and the static members of the few .NET types scripts use
([Convert], [Text.Encoding], [string], [math], [int], [long], [double]); anything else gives PowerShell's error."""
from __future__ import annotations

import pytest


def out(run, script):
    result = run(script)
    assert not result.errors, result.text
    return result.output


def error(result):
    assert len(result.errors) == 1, result.text
    return result.errors[0]


# ------------------------------------------------------------------------------------------------ static members

def test_convert_and_encoding_round_trip(run):
    script = ("$s = 'Hello, wörld'; $b = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($s)); $b; "
              "[Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($b))")
    assert out(run, script) == ["SGVsbG8sIHfDtnJsZA==", "Hello, wörld"]


def test_unicode_encoding_is_utf16_little_endian(run):
    assert out(run, "[Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes('ab'))") == ["YQBiAA=="]
    assert out(run, "$e = [System.Text.Encoding]::Unicode; $e.CodePage; $e.GetString(@(104, 0, 105, 0))") == [
        1200, "hi"]


def test_get_bytes_are_a_byte_array(run):
    assert run("[Text.Encoding]::UTF8.GetBytes('hé')").text == "104\n195\n169\n"


def test_string_statics(run):
    assert out(run, "[string]::Join(', ', @('a', 'b', 'c')); [string]::Join('-', 1, 2)") == ["a, b, c", "1-2"]
    assert out(run, "[string]::IsNullOrEmpty($nothing); [string]::IsNullOrEmpty('a'); [string]::IsNullOrEmpty('')"
               ) == [True, False, True]
    assert out(run, "[String]::IsNullOrWhiteSpace('  '); [string]::Empty -eq ''") == [True, True]


def test_math_round_is_dotnet_round_half_even(run):
    assert run("[math]::Round(2.675, 2); [math]::Round(2.5); [math]::Round(3.5); [Math]::Round(1234.5678, 2)"
               ).text == "2.68\n2\n4\n1234.57\n"


def test_integer_limits(run):
    assert out(run, "[int]::MaxValue; [int]::MinValue; [int32]::MaxValue; [long]::MaxValue") == [
        2147483647, -2147483648, 2147483647, 9223372036854775807]


def test_unknown_static_property_of_a_known_type_is_null(run):
    assert out(run, "$null -eq [int]::NoSuchThing") == [True]


def test_unknown_type(run):
    result = run("[Foo]::Bar")
    assert result.text == (
        "Unable to find type [Foo]: make sure that the assembly containing this type is loaded.\n"
        "At line:1 char:1\n"
        "+ [Foo]::Bar\n"
        "+ ~~~~~\n"
        "    + CategoryInfo          : InvalidOperation: (Foo:TypeName) [], RuntimeException\n"
        "    + FullyQualifiedErrorId : TypeNotFound\n\n")


def test_unknown_static_method(run):
    e = error(run("[string]::Foo('x')"))
    assert e.message == "Method invocation failed because [System.String] does not contain a method named 'Foo'."
    assert e.fqid == "MethodNotFound"


def test_wrong_argument_count(run):
    e = error(run("[string]::Join()"))
    assert e.message == 'Cannot find an overload for "Join" and the argument count: "0".'
    assert e.fqid == "MethodCountCouldNotFindBest"


def test_invalid_base64(run):
    e = error(run("[Convert]::FromBase64String('abc')"))
    assert e.message == ('Exception calling "FromBase64String" with "1" argument(s): "The input is not a valid Base-64 '
                         "string as it contains a non-base 64 character, more than two padding characters, or an "
                         'illegal character among the padding characters. "')
    assert e.fqid == "FormatException"
    assert e.category_info == "NotSpecified: (:) [], MethodInvocationException"


def test_no_reflection_on_python_objects(run):
    for script in ("[Convert]::__class__", "[string]::__init__()", "[math]::_round(1)"):
        result = run(script)
        assert result.output in ([], [None]) or result.errors, script
    assert error(run("[string]::__init__()")).fqid == "MethodNotFound"


def test_static_member_error_stops_only_the_statement(run):
    assert run("[Nope]::X; 'next'").output == ["next"]


# ------------------------------------------------------------------------------------------------ type literals
def test_type_literal_properties(run):
    assert out(run, "[string].Name; [string].FullName; [int].FullName") == ["String", "System.String", "System.Int32"]


def test_type_literal_is_not_a_cast(run):
    assert out(run, "[int]-5; [string]'x'; [int] '7'") == [-5, "x", 7]


# ------------------------------------------------------------------------------------------------ -is / -isnot / -as
@pytest.mark.parametrize("script, expected", [
    ("'a' -is [string]", True), ("1 -is [int]", True), ("1 -is [string]", False), ("'1' -is [int]", False),
    ("$true -is [bool]", True), ("1 -is [bool]", False), ("@{} -is [hashtable]", True), ("@(1) -is [array]", True),
    ("@(1, 2) -is [object[]]", True), ("'a' -is [array]", False), ("1 -isnot [string]", True),
    ("'a' -isnot [string]", False), ("[pscustomobject]@{a = 1} -is [pscustomobject]", True),
    ("'x' -is [pscustomobject]", False), ("$null -is [object]", False), ("1 -is [object]", True),
    ("1.5 -is [double]", True), ("(Get-Thing alpha) -is [Fake.Thing]", True),
    ("(Get-Thing alpha) -is [Microsoft.HyperV.PowerShell.VirtualMachine]", False),
    ("'x' -is 'x'.GetType()", True), ("'x' -is 'string'", True), ("1 -is [System.Int32]", True),
])
def test_is_operator(run, script, expected):
    assert out(run, script) == [expected]


def test_is_combines_with_logical_operators(run):
    assert out(run, "$x = 'a'; $x -is [string] -and $x.Length -eq 1; if ($x -isnot [int]) { 'not int' }") == [
        True, "not int"]


@pytest.mark.parametrize("script, expected", [
    ("'42' -as [int]", 42), ("'abc' -as [int]", None), ("5 -as [string]", "5"), ("1 -as [Fake.Thing]", None),
    ("'x' -as [hashtable]", None), ("@{a = 1} -as [hashtable]", {"a": 1}), ("'2.5' -as [double]", 2.5),
])
def test_as_operator(run, script, expected):
    result = run(script)
    assert not result.errors
    value = result.output[0] if result.output else None
    assert (dict(value) if expected.__class__ is dict else value) == expected


def test_as_keeps_a_matching_object(run):
    assert [o["Name"] for o in out(run, "(Get-Thing alpha) -as [Fake.Thing]")] == ["alpha"]


def test_is_with_an_unknown_type(run):
    e = error(run("$x -is [Nope]"))
    assert e.message == "Unable to find type [Nope]: make sure that the assembly containing this type is loaded."
    assert e.fqid == "TypeNotFound"


def test_convert_to_int_with_a_base(run):
    assert out(run, "[Convert]::ToInt32('ff', 16); [Convert]::ToInt32('101', 2); [Convert]::ToInt32('ffffffff', 16); "
                    "[Convert]::ToInt64('ff', 16); [Convert]::ToInt32(2.5)") == [255, 5, -1, 255, 2]


def test_convert_to_int_errors(run):
    e = error(run("[Convert]::ToInt32('zz', 16)"))
    assert e.message == 'Exception calling "ToInt32" with "2" argument(s): "Could not find any recognizable digits."'
    assert e.fqid == "FormatException"
    e = error(run("[Convert]::ToInt32('1ffffffff', 16)"))
    assert e.message == ('Exception calling "ToInt32" with "2" argument(s): "Value was either too large or too small '
                         'for an Int32."')


def test_int_parse(run):
    assert out(run, "[int]::Parse(' 42 '); [double]::Parse('2.5')") == [42, 2.5]
    e = error(run("[int]::Parse('abc')"))
    assert e.message == 'Exception calling "Parse" with "1" argument(s): "Input string was not in a correct format."'
    assert e.fqid == "FormatException"
    assert e.category_info == "NotSpecified: (:) [], MethodInvocationException"


def test_type_literal_before_comments(run):
    assert out(run, "'a' -is [string] # comment\n$t = [int] <# c #>; $t.Name; [int] <# c #> '5'") == [True, "Int32", 5]


def test_unknown_type_in_a_static_call_points_at_the_type(run):
    result = run("[Foo]::Bar(1)")
    assert result.errors[0].fqid == "TypeNotFound"
    assert "+ [Foo]::Bar(1)\n+ ~~~~~\n" in result.text
