"""Parse errors render exactly like PowerShell 4's ParserError records."""
from __future__ import annotations

import pytest

from engine.powershell import ParseError, parse

TAIL = "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException\n"


def error(script: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(script)
    return info.value


def test_missing_closing_paren_renders_like_powershell():
    assert str(error("Get-VM (")) == (
        "At line:1 char:9\n"
        "+ Get-VM (\n"
        "+         ~\n"
        "Missing closing ')' in expression.\n"
        + TAIL +
        "    + FullyQualifiedErrorId : MissingEndParenthesisInExpression")


def test_missing_paren_points_after_the_inner_expression():
    e = error("Get-VM (Get-Thing x")
    assert (e.error_id, e.line, e.column) == ("MissingEndParenthesisInExpression", 1, 20)


def test_missing_closing_brace_points_at_the_opening_brace():
    assert str(error("foreach ($x in 1) {\n  $x")) == (
        "At line:1 char:19\n"
        "+ foreach ($x in 1) {\n"
        "+                   ~\n"
        "Missing closing '}' in statement block.\n"
        + TAIL +
        "    + FullyQualifiedErrorId : MissingEndCurlyBrace")


def test_missing_string_terminator():
    assert str(error("Write-Output 'abc")) == (
        "At line:1 char:14\n"
        "+ Write-Output 'abc\n"
        "+              ~~~~\n"
        "The string is missing the terminator: '.\n"
        + TAIL +
        "    + FullyQualifiedErrorId : TerminatorExpectedAtEndOfString")


def test_missing_double_quote_terminator():
    e = error('"abc')
    assert (e.message, e.error_id) == ('The string is missing the terminator: ".', "TerminatorExpectedAtEndOfString")


def test_unexpected_token():
    assert str(error("1 2")) == (
        "At line:1 char:3\n"
        "+ 1 2\n"
        "+   ~\n"
        "Unexpected token '2' in expression or statement.\n"
        + TAIL +
        "    + FullyQualifiedErrorId : UnexpectedToken")


def test_unknown_operator_is_an_unexpected_token():
    e = error("$a -foo 1")
    assert e.message == "Unexpected token '-foo' in expression or statement."


def test_missing_value_after_binary_operator():
    assert str(error("$a -eq")) == (
        "At line:1 char:7\n"
        "+ $a -eq\n"
        "+       ~\n"
        "You must provide a value expression following the '-eq' operator.\n"
        + TAIL +
        "    + FullyQualifiedErrorId : ExpectedValueExpression")


def test_bare_word_after_operator_needs_a_value_expression():
    e = error("$vm.State -eq Running")
    assert (e.message, e.column) == ("You must provide a value expression following the '-eq' operator.", 14)


def test_missing_expression_after_unary_operator():
    assert error("-not").message == "Missing expression after unary operator '-not'."


def test_missing_value_after_assignment():
    assert error("$a =").message == "You must provide a value expression following the '=' operator."


def test_empty_pipe_element():
    e = error("Get-VM |")
    assert (e.message, e.error_id, e.column) == ("An empty pipe element is not allowed.", "EmptyPipeElement", 9)


def test_expression_after_pipe():
    e = error("Get-VM | $x")
    assert (e.message, e.error_id) == ("Expressions are only allowed as the first element of a pipeline.",
                                       "ExpressionsMustBeFirstInPipeline")


def test_unexpected_closing_paren():
    assert error("Get-VM )").message == "Unexpected token ')' in expression or statement."


@pytest.mark.parametrize("script, message, error_id", [
    ("if", "Missing '(' after 'if' in if statement.", "MissingOpenParenthesisInIfStatement"),
    ("if (", "Missing condition in if statement after 'if ('.", "IfStatementMissingCondition"),
    ("if ($a) ", "Missing statement block after if ( condition ).", "MissingStatementBlock"),
    ("if ($a) {} else", "Missing statement block after 'else' keyword.", "MissingStatementBlockAfterElse"),
    ("foreach ($x) {}", "Missing 'in' after variable in foreach loop.\nThe correct form is: foreach ($a in $b) "
                        "{...}", "MissingInInForeach"),
    ("try {}", "The Try statement is missing its Catch or Finally block.", "MissingCatchOrFinally"),
    ("$a[", "Array index expression is missing or not valid.", "MissingArrayIndexExpression"),
    ("$a[0", "Missing ']' after array index expression.", "MissingEndSquareBracket"),
    ("$(1", "Missing closing ')' in subexpression.", "MissingEndParenthesisInSubexpression"),
    ("@{a=1; b}", "Missing '=' operator after key in hash literal.", "MissingEqualsInHashLiteral"),
    ("@{a=1; a=2}", "Duplicate keys 'a' are not allowed in hash literals.", "DuplicateKeyInHashLiteral"),
    ("1 = 2", "The assignment expression is not valid. The input to an assignment operator must be an object that "
              "is able to accept assignments, such as a variable or a property.", "InvalidLeftHandSide"),
    ("Get-VM && Get-VM", "The token '&&' is not a valid statement separator in this version.", "InvalidEndOfLine"),
    ("<# open", "The terminator '#>' is missing from the multiline comment.", "MissingTerminatorMultiLineComment"),
    ("@'x\n'@", "No characters are allowed after a here-string header but before the end of the line.",
     "UnexpectedCharactersAfterHereStringHeader"),
    ("@'\nabc", "The string is missing the terminator: '@.", "TerminatorExpectedAtEndOfString"),
    ('"$vm: x"', "Variable reference is not valid. ':' was not followed by a valid variable name character. "
                 "Consider using ${} to delimit the name.", "InvalidVariableReferenceWithDrive"),
])
def test_error_messages_and_ids(script, message, error_id):
    e = error(script)
    assert (e.message, e.error_id) == (message, error_id)


def test_error_on_a_later_line_quotes_that_line():
    e = error("Get-VM\n$x = (1 +")
    assert str(e).startswith("At line:2 char:10\n+ $x = (1 +\n+          ~\n")


def test_long_lines_are_trimmed_around_the_error():
    script = "Write-Output " + "a" * 80 + " (1 +"
    text = str(error(script))
    assert text.split("\n")[1].startswith("+ ... ")
    assert text.split("\n")[2].endswith("~")


def test_parse_error_through_the_runspace(run):
    result = run("Get-VM (")
    assert result.had_errors and result.exit_status == 1
    assert result.text.startswith("At line:1 char:9\n")
    assert result.errors[0].fqid == "MissingEndParenthesisInExpression"


def test_unsupported_keyword_is_refused():
    assert error("function f { }").error_id == "KeywordNotSupported"
