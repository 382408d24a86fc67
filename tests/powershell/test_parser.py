"""The grammar: each construct parses into the expected AST nodes with positions."""
from __future__ import annotations

import pytest

from engine.powershell import Runspace, ast, parse


def only(script: str):
    """The single element of the single pipeline statement of a script."""
    (stmt,) = parse(script).statements
    assert isinstance(stmt, ast.Pipeline)
    (element,) = stmt.elements
    return element


def test_command_with_bare_word_arguments():
    cmd = only(r"Move-VM VM1 C:\ClusterStorage\Volume1\VM1")
    assert cmd.name == "Move-VM"
    assert [a.value.value for a in cmd.elements] == ["VM1", r"C:\ClusterStorage\Volume1\VM1"]


def test_parameter_forms():
    cmd = only("Get-VM -Name:$n -ComputerName HV1 -AsJob")
    p1, p2, arg, p3 = cmd.elements
    assert (p1.name, p1.colon, p1.argument.name) == ("Name", True, "n")
    assert (p2.name, p2.colon, p2.argument) == ("ComputerName", False, None)
    assert arg.value.value == "HV1"
    assert p3.name == "AsJob"


def test_comma_in_argument_mode_makes_one_array_argument():
    cmd = only("Get-VM VM1,VM2 , VM3")
    (arg,) = cmd.elements
    assert [i.value for i in arg.value.items] == ["VM1", "VM2", "VM3"]


def test_numbers_in_argument_mode():
    cmd = only("Write-Output 4GB 512MB 10KB 1.5 0x1F -5 10.0.0.1 1..5")
    assert [a.value.value for a in cmd.elements] == [4 * 1024 ** 3, 512 * 1024 ** 2, 10240, 1.5, 31, -5,
                                                     "10.0.0.1", "1..5"]


def test_pipeline_with_expression_head():
    stmt = parse("$vms | Where-Object State -eq Running | Select-Object Name").statements[0]
    head, where, select = stmt.elements
    assert isinstance(head, ast.Variable)
    assert where.name == "Where-Object" and select.name == "Select-Object"
    assert where.elements[1].name == "eq"


def test_statements_separated_by_newlines_and_semicolons():
    script = parse("1; 2\n3\r\n\n4")
    assert len(script.statements) == 4


def test_comments_and_block_comments_are_skipped():
    script = parse("# a comment\n1 <# block\ncomment #> + 2 # trailing")
    assert len(script.statements) == 1
    assert isinstance(only("1 <# x #> + 2"), ast.BinaryOp)


def test_hash_in_the_middle_of_a_word_is_not_a_comment():
    assert only("Write-Output a#b").elements[0].value.value == "a#b"


def test_line_continuation_with_backtick():
    cmd = only("Get-VM `\n  -Name VM1")
    assert [type(e).__name__ for e in cmd.elements] == ["CommandParameter", "CommandArgument"]


def test_newline_after_pipe_continues_the_pipeline():
    stmt = parse("Get-VM |\n  Select-Object Name").statements[0]
    assert len(stmt.elements) == 2


def test_assignment_forms():
    a, b, c, d = parse("$vm = Get-VM VM1\n$vm.Notes = 'x'\n(Get-Cluster).DrainOnShutdown = 0\n$a[0] += 1").statements
    assert isinstance(a.target, ast.Variable) and isinstance(a.value.elements[0], ast.Command)
    assert isinstance(b.target, ast.Member) and b.target.name == "Notes"
    assert isinstance(c.target.target, ast.Paren)
    assert isinstance(d.target, ast.Index) and d.op == "+="


def test_member_and_index_chains():
    node = only("$r.Incompatibilities[0].Source")
    assert isinstance(node, ast.Member) and node.name == "Source"
    assert isinstance(node.target, ast.Index)
    assert node.target.target.name == "Incompatibilities"


def test_member_access_needs_adjacency_in_argument_mode():
    cmd = only("Write-Output $a.Name $a .Name")
    kinds = [type(e.value).__name__ for e in cmd.elements]
    assert kinds == ["Member", "Variable", "Constant"]


def test_method_call_arguments_are_split_on_commas():
    node = only("$s.Replace('a', 'b')")
    assert isinstance(node, ast.MethodCall) and len(node.args) == 2


@pytest.mark.parametrize("op", ["-eq", "-ne", "-gt", "-ge", "-lt", "-le", "-like", "-notlike", "-match", "-notmatch",
                                "-contains", "-notcontains", "-in", "-notin", "-ceq", "-clike", "-replace"])
def test_comparison_operators(op):
    assert only(f"$a {op} 1").op == op


def test_case_insensitive_prefix_is_the_default_operator():
    assert only("$a -ieq 1").op == "-eq"


def test_operator_precedence():
    node = only("1 + 2 * 3 -eq 7 -and -not $false")
    assert node.op == "-and"
    assert node.left.op == "-eq" and node.left.left.op == "+"
    assert node.right.op == "-not"


def test_comma_binds_tighter_than_arithmetic():
    node = only("1, 2 + 3")
    assert node.op == "+" and isinstance(node.left, ast.ArrayLiteral)


def test_range_array_expression_and_hashtable():
    assert only("1..5").op == ".."
    assert only("@(1, 2)").array is True
    table = only("@{ a = 1; b = 'x'\n  c = Get-Date }")
    assert [k.value for k, _ in table.entries] == ["a", "b", "c"]


def test_script_block_keeps_its_text():
    block = only("{ $_.State -eq 'Running' }")
    assert block.text == " $_.State -eq 'Running' "


def test_cast():
    node = only("[int]'5'")
    assert isinstance(node, ast.Cast) and node.type_name == "int"


def test_if_elseif_else_across_lines():
    (stmt,) = parse("if ($a) { 1 }\nelseif ($b) { 2 }\nelse { 3 }").statements
    assert isinstance(stmt, ast.If) and len(stmt.clauses) == 2 and stmt.else_block is not None


def test_if_followed_by_a_statement_on_the_next_line():
    first, second = parse("if ($a) { 1 }\n'next'").statements
    assert isinstance(first, ast.If) and isinstance(second, ast.Pipeline)


def test_loops_and_try():
    foreach, for_, while_, try_ = parse(
        "foreach ($x in Get-VM) { $x }\nfor ($i = 0; $i -lt 3; $i++) { }\nwhile ($true) { break }\n"
        "try { throw 'x' } catch [System.Exception] { $_ } finally { }").statements
    assert foreach.variable == "x" and foreach.iterable.elements[0].name == "Get-VM"
    assert for_.iterator.op == "++"
    assert isinstance(while_, ast.While)
    assert try_.catches[0][0] == ("System.Exception",) and try_.finally_block is not None


def test_keyword_is_only_a_keyword_at_statement_start():
    stmt = parse("1..3 | foreach { $_ }").statements[0]
    assert stmt.elements[1].name == "foreach"


def test_positions_are_one_based_line_and_column():
    stmt = parse("\n  Get-VM   VM1").statements[0]
    cmd = stmt.elements[0]
    assert (cmd.line, cmd.column) == (2, 3)
    assert (cmd.elements[0].line, cmd.elements[0].column) == (2, 12)


def test_typographic_dashes_and_quotes():
    cmd = only("Get-VM \u2013Name \u2018VM1\u2019")
    assert cmd.elements[0].name == "Name" and cmd.elements[1].value.value == "VM1"


def test_call_operator():
    cmd = only("& 'Get-VM' VM1")
    assert cmd.name == "Get-VM" and cmd.elements[0].value.value == "VM1"


# ------------------------------------------------------------------------------------------------ parse cache
def test_identical_scripts_share_one_parsed_tree():
    from engine.powershell.parser import parse, parse_cache_info
    script = "$a = 1; foreach ($i in 1..3) { $a += $i }; \"total $a\" # parse cache test"
    first = parse(script)
    hits = parse_cache_info().hits
    assert parse(script) is first
    assert parse_cache_info().hits == hits + 1


def test_cached_tree_gives_the_same_results_in_fresh_and_reused_runspaces():
    script = "$x = @{n = 1}; $x.n += 1; $sb = { param0 }; \"$($x.n) $(1..3 -join ',')\"; $y = 'a'; $y += 'b'; $y"
    first = Runspace().run(script).text
    reused = Runspace()
    assert first == "2 1,2,3\nab\n"
    assert [reused.run(script).text for _ in range(3)] == [first] * 3
    assert Runspace().run(script).text == first


def test_parse_errors_are_not_cached():
    from engine.powershell.parser import ParseError, parse
    errors = []
    for _ in range(2):
        with pytest.raises(ParseError) as e:
            parse("if ($true) { 'x' ")
        errors.append(e.value)
    assert errors[0] is not errors[1]
    rs = Runspace()
    assert rs.run("1 +").errors[0].fqid == rs.run("1 +").errors[0].fqid == "ExpectedValueExpression"


def test_very_long_scripts_are_parsed_each_time():
    from engine.powershell.parser import CACHE_MAX_CHARS, parse
    script = "'x'" + " " * CACHE_MAX_CHARS
    assert parse(script) is not parse(script)


def test_ast_nodes_are_immutable():
    import dataclasses
    from engine.powershell.parser import parse
    tree = parse("Get-Thing alpha")
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.statements = ()


def test_parse_cache_is_bounded_by_count_and_total_length(monkeypatch):
    from engine.powershell import parser
    monkeypatch.setattr(parser, "CACHE_SIZE", 3)
    monkeypatch.setattr(parser, "CACHE_BUDGET_CHARS", 40)
    parser.clear_parse_cache()
    try:
        first = parser.parse("'a'")
        for text in ("'b'", "'c'", "'d'"):
            parser.parse(text)
        info = parser.parse_cache_info()
        assert info.currsize == 3 and info.chars == 9
        assert parser.parse("'a'") is not first  # the least recently used went first
        parser.parse("'" + "x" * 30 + "'")
        assert parser.parse_cache_info().chars <= 40
    finally:
        parser.clear_parse_cache()


def test_ast_holds_no_mutable_containers():
    """The parse cache shares trees between runs: nodes must stay frozen and hold only tuples and scalars."""
    import dataclasses
    from engine.backends.winrm_snapshot import gather_script
    from engine.powershell.parser import _parse
    script = gather_script(["HV1"]) + (
        "\n$h = @{a = 1; 'b c' = @(1, 2)}; foreach ($i in 1..2) { if ($i -is [int]) { \"$i $($h.a)\" } else { $i } }"
        "\ntry { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('x')) } catch [System.Exception] { $_ } "
        "finally { $o.\"$n\"; $o.'x y'.Trim() }; for ($i = 0; $i -lt 2; $i++) { Get-Thing -Name:$i @splat | % { $_ } }")
    seen = 0

    def walk(value):
        nonlocal seen
        assert not isinstance(value, (list, dict, set, bytearray)), value
        if dataclasses.is_dataclass(value):
            assert type(value).__dataclass_params__.frozen, type(value)
            seen += 1
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        else:
            assert value is None or isinstance(value, (str, int, float, bool)), type(value)
    walk(_parse(script))
    assert seen > 300
