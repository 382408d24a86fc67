"""Strings: quoting, expansion as PowerShell does it, backtick escapes, here-strings, number literals."""
from __future__ import annotations

import pytest


def out(run, script):
    result = run(script)
    assert not result.errors, result.text
    return result.output


def test_single_quoted_strings_are_verbatim(run):
    assert out(run, "'a $x `n b'") == ["a $x `n b"]


def test_doubled_quote_inside_single_quotes(run):
    assert out(run, "'it''s'") == ["it's"]


def test_double_quoted_variable_expansion(run):
    assert out(run, '$name = "VM1"; "VM is $name."') == ["VM is VM1."]


def test_member_after_variable_is_not_expanded(run):
    assert out(run, '$vm = [pscustomobject]@{Name="VM1"}; "$vm.Name"') == ["@{Name=VM1}.Name"]


def test_subexpression_expands_members(run):
    assert out(run, '$vm = [pscustomobject]@{Name="VM1"}; "$($vm.Name) is up"') == ["VM1 is up"]


def test_subexpression_with_nested_quotes_and_parens(run):
    assert out(run, '"a $("b $(1 + (2 * 3))") c"') == ["a b 7 c"]


def test_arrays_expand_joined_by_spaces(run):
    assert out(run, '$a = 1, 2, 3; "[$a]"') == ["[1 2 3]"]


def test_braced_and_undefined_variables(run):
    assert out(run, '${my var} = 5; "${my var}|$nothing|"') == ["5||"]


def test_env_variables_come_from_the_services(run):
    assert out(run, '"on $env:COMPUTERNAME"') == ["on HV1"]


@pytest.mark.parametrize("escape, char", [("`n", "\n"), ("`t", "\t"), ("``", "`"), ("`$", "$"), ('`"', '"'),
                                          ("`r", "\r"), ("`0", "\0"), ("`a", "\a")])
def test_backtick_escapes_in_double_quotes(run, escape, char):
    assert out(run, f'"x{escape}y"') == [f"x{char}y"]


def test_doubled_double_quote(run):
    assert out(run, '"say ""hi"""') == ['say "hi"']


def test_dollar_without_a_name_is_literal(run):
    assert out(run, '"cost: $ 5 $"') == ["cost: $ 5 $"]


def test_single_quoted_here_string(run):
    assert out(run, "@'\nline 1 $x\n  'quoted'\n'@") == ["line 1 $x\n  'quoted'"]


def test_double_quoted_here_string_expands(run):
    assert out(run, '$n = 3\n@"\nn is $n\n"quoted" `t!\n"@') == ['n is 3\n"quoted" \t!']


def test_empty_here_string(run):
    assert out(run, "@'\n'@") == [""]


def test_bare_word_argument_expands_variables(run):
    assert out(run, r"$vm = 'VM1'; Write-Output C:\VMs\$vm\disk.vhdx") == [r"C:\VMs\VM1\disk.vhdx"]


def test_bare_word_with_embedded_quotes_is_one_argument(run):
    assert out(run, "Write-Output a'b c'd") == ["ab cd"]


@pytest.mark.parametrize("literal, value", [("4GB", 4294967296), ("512MB", 536870912), ("10KB", 10240),
                                            ("1TB", 1099511627776), ("1.5GB", 1610612736.0), ("0x1F", 31),
                                            ("1.5", 1.5), ("1e3", 1000.0), ("10L", 10), (".5", 0.5)])
def test_number_literals(run, literal, value):
    assert out(run, literal) == [value]


def test_typographic_quotes_work_as_quotes(run):
    assert out(run, "\u2018a\u2019 + \u201cb\u201d") == ["ab"]
