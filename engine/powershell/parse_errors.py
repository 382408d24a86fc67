"""Turn lark's "unexpected token" into the ParseError PowerShell would report, with its message, id and position.

The LALR parser only says which token it could not take; the tokenizer's state (open brackets, the last tokens,
which keyword a parenthesis belongs to) says what construct was unfinished, the way PowerShell's hand-written
parser knows it. Positions follow PowerShell: most errors point just after the last good token.
"""
from __future__ import annotations

from lark.exceptions import UnexpectedInput

from engine.powershell.errors import Extent, ParseError

_VALUE_END = {"VARIABLE", "NUMBER", "STRING", "EXPANDABLE", "RPAREN", "RBRACE", "RBRACKET", "MEMBER", "GENERIC",
              "HKEY", "INCDEC"}
_BINARY = {"LOGICAL_OP", "CMP_OP", "MUL_OP", "FORMAT_OP", "DOTDOT"}
_EXPRESSION_START = {"VARIABLE", "NUMBER", "STRING", "EXPANDABLE", "LPAREN", "SUBEXPR", "ARRAYEXPR", "HASHSTART",
                     "LBRACE", "TYPE", "MINUS", "PLUS", "NOT", "UNARY_OP", "UCOMMA"}
_CLOSERS = {"RPAREN", "RBRACE", "RBRACKET"}
_FOREACH_FORM = "\nThe correct form is: foreach ($a in $b) {...}"


def explain(job, error: UnexpectedInput) -> ParseError:
    """The ParseError for a parse that stopped at ``error.token`` (lark's ``$END`` at the end of input)."""
    src = job.source
    tok = getattr(error, "token", None)
    at_end = tok is None or tok.type == "$END"
    hist = job.history if at_end else job.history[:-1]
    prev = hist[-1] if hist else None
    before = hist[-2] if len(hist) > 1 else None

    def after(token) -> Extent:
        pos = token.end_pos if token is not None else job.start
        return Extent(src, pos, pos)

    def text(token) -> str:
        return src[token.start_pos:token.end_pos]

    here = Extent(src, len(src), len(src)) if at_end else Extent(src, tok.start_pos, tok.end_pos)
    for rule in (_keyword_rule, _operator_rule, _frame_rule):
        found = rule(job, tok, at_end, prev, before, after, text, here)
        if found:
            return ParseError(*found)
    return ParseError(f"Unexpected token '{text(tok)}' in expression or statement.", "UnexpectedToken", here)


def _keyword_rule(job, tok, at_end, prev, before, after, text, here):
    if prev is None:
        return None
    kind = prev.type
    if kind in ("IF", "ELSEIF"):
        return f"Missing '(' after '{text(prev)}' in if statement.", "MissingOpenParenthesisInIfStatement", after(prev)
    if kind in ("FOREACH", "WHILE", "FOR"):
        return (f"Missing opening '(' after keyword '{text(prev)}'.", "MissingOpenParenthesisAfterKeyword",
                after(prev))
    if kind == "ELSE":
        return "Missing statement block after 'else' keyword.", "MissingStatementBlockAfterElse", after(prev)
    if kind == "TRY":
        return "The Try statement is missing its statement block.", "MissingTryStatementBlock", after(prev)
    if kind == "CATCH" or (kind == "TYPE" and before is not None and before.type in ("CATCH", "COMMA")):
        return "The Catch block is missing its statement block.", "MissingCatchHandlerBlock", after(prev)
    if kind == "FINALLY":
        return "The Finally block is missing its statement block.", "MissingFinallyStatementBlock", after(prev)
    word = job.keyword_parens.get(prev.start_pos)
    if kind == "RPAREN" and word:  # a keyword's condition is complete but no { } follows
        lower = word.lower()
        if lower in ("if", "elseif"):
            return (f"Missing statement block after {word} ( condition ).", "MissingStatementBlock",
                    Extent(job.source, prev.start_pos, prev.end_pos))
        if lower == "foreach":
            return "Missing statement body in foreach loop." + _FOREACH_FORM, "MissingForeachStatement", after(prev)
        return f"Missing statement body in {word} loop.", "MissingLoopStatement", after(prev)
    frame = job.frames[-1]
    word = job.keyword_parens.get(frame.start) if frame.kind == "paren" else None
    if not word and not at_end and tok.type == "RPAREN":  # the failing ')' itself closed the keyword's '('
        word = job.keyword_parens.get(tok.start_pos)
    if not word:
        return None
    lower = word.lower()
    if lower in ("if", "elseif"):
        if kind == "LPAREN":
            return (f"Missing condition in if statement after '{word} ('.", "IfStatementMissingCondition",
                    after(prev))
        return (f"Missing closing ')' after expression in '{word}' statement.", "MissingEndParenthesisAfterStatement",
                here)
    if lower == "foreach":
        if kind == "LPAREN":
            return "Missing variable name after foreach." + _FOREACH_FORM, "MissingVariableNameAfterForeach", after(
                prev)
        if kind == "VARIABLE" and before is not None and before.type == "LPAREN":
            return "Missing 'in' after variable in foreach loop." + _FOREACH_FORM, "MissingInInForeach", after(prev)
        if kind == "IN":
            return "Missing expression in foreach loop." + _FOREACH_FORM, "MissingForeachExpression", after(prev)
        if at_end or tok.type != "RPAREN":
            return ("Missing closing ')' after expression part of foreach loop." + _FOREACH_FORM,
                    "MissingEndParenthesisAfterForeach", after(prev))
        return None
    if at_end or tok.type not in ("RPAREN", "_SEP"):
        return (f"Missing closing ')' after expression in '{word}' statement.", "MissingEndParenthesisAfterStatement",
                after(prev))
    return None


def _operator_rule(job, tok, at_end, prev, before, after, text, here):
    if prev is None:
        if not at_end and tok.type == "PIPE":
            return "An empty pipe element is not allowed.", "EmptyPipeElement", here
        return None
    kind = prev.type
    if kind == "HKEY":
        return "Missing '=' operator after key in hash literal.", "MissingEqualsInHashLiteral", after(prev)
    if kind == "ASSIGN" and before is not None and before.type == "HKEY":
        return "Missing statement after '=' in hash literal.", "MissingStatementInHashLiteral", after(prev)
    binary = kind in _BINARY or (kind in ("PLUS", "MINUS") and before is not None and before.type in _VALUE_END)
    if binary or kind == "ASSIGN":
        return (f"You must provide a value expression following the '{text(prev)}' operator.",
                "ExpectedValueExpression", after(prev))
    if kind in ("NOT", "UNARY_OP", "PLUS", "MINUS"):
        return f"Missing expression after unary operator '{text(prev)}'.", "MissingExpressionAfterOperator", after(prev)
    if kind in ("COMMA", "UCOMMA"):
        return "Missing expression after ','.", "MissingExpressionAfterToken", after(prev)
    if kind == "PIPE":
        if not at_end and tok.type in _EXPRESSION_START:
            return "Expressions are only allowed as the first element of a pipeline.", \
                "ExpressionsMustBeFirstInPipeline", here
        return "An empty pipe element is not allowed.", "EmptyPipeElement", after(prev)
    if kind == "PARAM_COLON":
        return f"Parameter -{prev.value}: requires an argument.", "ParameterRequiresArgument", after(prev)
    if not at_end and tok.type == "PIPE" and kind == "_SEP":
        return "An empty pipe element is not allowed.", "EmptyPipeElement", here
    return None


def _frame_rule(job, tok, at_end, prev, before, after, text, here):
    frame = job.frames[-1]
    closing = {"paren": "RPAREN", "sub": "RPAREN", "call": "RPAREN", "fragment": "RPAREN", "block": "RBRACE",
               "hash": "RBRACE", "index": "RBRACKET"}.get(frame.kind)
    if closing is None or (not at_end and tok.type == closing):
        return None
    wrong_end = at_end or tok.type in _CLOSERS
    if frame.kind == "paren":
        return "Missing closing ')' in expression.", "MissingEndParenthesisInExpression", after(prev)
    if frame.kind == "call":
        return "Missing ')' in method call.", "MissingEndParenthesisInMethodCall", after(prev)
    if frame.kind == "index":
        if prev is not None and prev.type == "LBRACKET":
            return "Array index expression is missing or not valid.", "MissingArrayIndexExpression", after(prev)
        return "Missing ']' after array index expression.", "MissingEndSquareBracket", after(prev)
    if frame.kind == "hash":
        if not at_end and tok.type not in _CLOSERS and prev is not None and prev.type in _VALUE_END \
                and before is not None and before.type in ("HASHSTART", "_SEP"):
            return "Missing '=' operator after key in hash literal.", "MissingEqualsInHashLiteral", after(prev)
        if wrong_end:
            opener = Extent(job.source, frame.start, frame.end)
            return ("Missing closing '}' in statement block.", "MissingEndCurlyBrace",
                    Extent(job.source, opener.end, opener.end))
        return None
    if not wrong_end:
        return None
    if frame.kind in ("sub", "fragment"):
        return "Missing closing ')' in subexpression.", "MissingEndParenthesisInSubexpression", after(prev)
    return ("Missing closing '}' in statement block.", "MissingEndCurlyBrace",
            Extent(job.source, frame.start, frame.end))
