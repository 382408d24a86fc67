"""Arrays, hashtables, indexing, member access, member assignment through setter callbacks, variables."""
from __future__ import annotations

from engine.powershell import Hashtable, PSObject


def out(run, script):
    result = run(script)
    assert not result.errors, result.text
    return result.output


def test_arrays(run):
    assert out(run, "$a = 1, 'two', 3; $a.Count; $a[1]; $a[-1]") == [3, "two", 3]
    assert out(run, "$a = @(); $a.Count") == [0]
    assert out(run, "$a = @(Get-Thing alpha); $a.Count") == [1]


def test_array_slices_and_out_of_range(run):
    assert out(run, "$a = 10, 20, 30; $a[0, 2]; $a[1..2]") == [10, 30, 20, 30]
    assert out(run, "$a = 10, 20; $null -eq $a[5]") == [True]


def test_indexing_null_is_an_error(run):
    result = run("$nothing[0]")
    assert result.errors[0].message == "Cannot index into a null array."
    assert result.errors[0].fqid == "NullArray"


def test_scalar_index_zero_is_the_scalar(run):
    assert out(run, "$x = 5; $x[0]") == [5]


def test_hashtable_literal_with_newlines_and_case_insensitive_keys(run):
    (table,) = out(run, "@{\n  Name = 'VM1'\n  MemoryStartupBytes = 4GB; Tags = 'a', 'b'\n}")
    assert isinstance(table, Hashtable)
    assert table["name"] == "VM1" and table["MEMORYSTARTUPBYTES"] == 4 * 1024 ** 3 and table["Tags"] == ["a", "b"]


def test_hashtable_access_and_update(run):
    assert out(run, "$h = @{a = 1}; $h.b = 2; $h['c'] = 3; $h.A; $h.Count; $h.ContainsKey('B')") == [1, 3, True]


def test_member_access_is_case_insensitive(run):
    assert out(run, "$t = Get-Thing alpha; $t.name; $t.VALUE") == ["alpha", 1]


def test_missing_member_is_null(run):
    assert out(run, "$t = Get-Thing alpha; $null -eq $t.Nope") == [True]


def test_member_enumeration_on_arrays(run):
    assert out(run, "(Get-Thing).Name") == ["alpha", "beta"]


def test_count_works_on_scalars_and_null(run):
    assert out(run, "(Get-Thing alpha).Count; $null.Count; 'abc'.Length") == [1, 0, 3]


def test_property_chain_with_indexing(run):
    script = ("$r = [pscustomobject]@{Incompatibilities = @([pscustomobject]@{Source = 'NIC1'; MessageId = 33012})}\n"
              "$r.Incompatibilities[0].Source; $r.Incompatibilities[0].MessageId")
    assert out(run, script) == ["NIC1", 33012]


def test_member_assignment_calls_the_setter(run, world):
    assert out(run, "(Get-Thing alpha).Value = 7") == []
    assert world.setter_calls == [("alpha", 7)] and world.things["alpha"] == 7


def test_member_assignment_on_a_variable_keeps_the_new_value(run, world):
    assert out(run, "$t = Get-Thing beta; $t.Value = 9; $t.Value") == [9]
    assert world.things["beta"] == 9


def test_setter_failure_is_reported_like_powershell(run, world):
    result = run("(Get-Thing alpha).Value = -1")
    assert result.text == (
        'Exception setting "Value": "The value must be a non-negative integer."\n'
        "At line:1 char:1\n"
        "+ (Get-Thing alpha).Value = -1\n"
        "+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : NotSpecified: (:) [], SetValueInvocationException\n"
        "    + FullyQualifiedErrorId : ExceptionWhenSetting\n\n")
    assert world.things["alpha"] == 1


def test_read_only_property(run):
    result = run("(Get-Thing alpha).Name = 'x'")
    assert result.errors[0].message == "'Name' is a ReadOnly property."


def test_unknown_property_assignment(run):
    result = run("$o = [pscustomobject]@{a = 1}; $o.b = 2")
    assert result.errors[0].message == ("The property 'b' cannot be found on this object. Verify that the property "
                                        "exists and can be set.")


def test_custom_object_property_assignment(run):
    assert out(run, "$o = [pscustomobject]@{a = 1}; $o.a = 5; $o.a") == [5]


def test_variables_persist_between_runs(rs):
    rs.run("$vm = 'VM1'")
    assert rs.run("$vm").output == ["VM1"]
    assert rs.variables["vm"] == "VM1"


def test_dollar_underscore_and_psitem(run):
    assert out(run, "1, 2 | ForEach-Object { $_ + $PSItem }") == [2, 4]


def test_automatic_constants_are_read_only(run):
    result = run("$true = 1")
    assert result.errors[0].message == "Cannot overwrite variable true because it is read-only or constant."


def test_assigning_to_null_discards_output(run):
    assert out(run, "$null = Get-Thing alpha") == []


def test_compound_assignment_and_increment(run):
    assert out(run, "$i = 1; $i += 4; $i++; $i *= 2; $i") == [12]
    assert out(run, "$s = 'a'; $s += 'b'; $s") == ["ab"]
    assert out(run, "$a = @(); $a += 1; $a += 2; $a.Count") == [2]


def test_pscustomobject_cast_keeps_property_order(run):
    (obj,) = out(run, "[pscustomobject]@{Zeta = 1; Alpha = 2}")
    assert isinstance(obj, PSObject) and obj.names() == ["Zeta", "Alpha"]


def test_string_methods(run):
    assert out(run, "'  VM1 '.Trim().ToLower(); 'a,b'.Split(','); 'abc'.Substring(1)") == ["vm1", "a", "b", "bc"]


def test_unknown_method_and_null_method(run):
    assert run("'a'.Foo()").errors[0].message == ("Method invocation failed because [System.String] does not contain "
                                                  "a method named 'Foo'.")
    assert run("$nothing.Foo()").errors[0].message == "You cannot call a method on a null-valued expression."


def test_array_keys_in_hashtables(run):
    assert out(run, "$h = @{(1, 2) = 'pair'; 1 = 'one'}; $h.Count; $h[1]") == [2, "one"]


# ------------------------------------------------------------------------------------------ quoted member names
def test_member_named_by_a_quoted_string(run):
    script = ("$o = [pscustomobject]@{'msDS-AllowedToDelegateTo' = 'cifs/HV2'; 'Some Name' = 2}; "
              "$o.\"msDS-AllowedToDelegateTo\"; $o.'Some Name'; (Get-Thing alpha).\"Name\"")
    assert out(run, script) == ["cifs/HV2", 2, "alpha"]


def test_member_named_by_an_expandable_string_or_a_variable(run):
    assert out(run, "$n = 'Val'; $t = Get-Thing beta; $t.\"${n}ue\"; $t.\"$($n)ue\"; $m = 'Name'; $t.$m") == [
        2, 2, "beta"]


def test_quoted_member_names_in_arguments_strings_and_assignments(run, world):
    assert out(run, "$t = Get-Thing alpha; Write-Output $t.'Name'; \"is $($t.\"Value\")\"") == ["alpha", "is 1"]
    assert out(run, "$t = Get-Thing alpha; $p = 'Value'; $t.\"$p\" = 7; $t.Value") == [7]
    assert world.things["alpha"] == 7


def test_quoted_method_name(run):
    assert out(run, "'abc'.\"ToUpper\"(); $m = 'ToLower'; 'ABC'.$m()") == ["ABC", "abc"]


def test_quoted_missing_member_is_null(run):
    assert out(run, "$null -eq (Get-Thing alpha).\"No Such\"") == [True]
