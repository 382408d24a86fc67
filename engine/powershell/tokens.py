"""Scanning one token in the current mode: operators after a value, words and parameters in argument mode,
variables, strings, here-strings and numbers. The mode itself is tracked by lexer.py.
"""
from __future__ import annotations

import re

from lark import Token

from engine.powershell import ast
from engine.powershell.scanning import (
    DASHES, DOUBLE_QUOTES, NUMBER_RE, SINGLE_QUOTES, ScanError, number_value, scan_double, scan_generic, scan_here,
    scan_single, scan_variable)

# modes: what the parser can accept next
STMT, PIPE, PIPE_OPT, OPERAND, EXPR, ARGS, AFTER_BLOCK, EXPECT_BLOCK, EXPECT_PAREN, HASH_KEY = range(10)
CLOSE_TYPE = {")": "RPAREN", "}": "RBRACE", "]": "RBRACKET"}

BINARY = {"and": "LOGICAL_OP", "or": "LOGICAL_OP", "xor": "LOGICAL_OP", "f": "FORMAT_OP",
          "band": "CMP_OP", "bor": "CMP_OP", "bxor": "CMP_OP", "join": "CMP_OP"}
for _op in ("eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch", "contains", "notcontains",
            "in", "notin", "replace", "split"):
    for _prefix in ("", "i", "c"):
        BINARY[_prefix + _op] = "CMP_OP"
BINARY.update({"is": "CMP_OP", "isnot": "CMP_OP", "as": "CMP_OP"})  # type operators: no i/c prefixes
UNARY = {"not": "NOT", "bnot": "UNARY_OP", "join": "UNARY_OP", "split": "UNARY_OP"}
WORD = re.compile(r"[\w?]+")
KEYWORD_WORD = re.compile(r"[A-Za-z]+(?![\w-])")
TYPE = re.compile(r"\[\s*([A-Za-z_][\w.`+]*(?:\[\])?)\s*\]")
_MEMBER = re.compile(r"[\w]+")
_ASSIGN_OPS = ("+=", "-=", "*=", "/=", "%=")


class Frame:
    """An open bracket: what closes it, the mode to return to, and the keyword it belongs to."""

    __slots__ = ("kind", "closer", "restore", "keyword", "start", "end")

    def __init__(self, kind: str, closer: str, restore: int, keyword: str, start: int, end: int) -> None:
        self.kind, self.closer, self.restore, self.keyword, self.start, self.end = (
            kind, closer, restore, keyword, start, end)


class TokenScanner:
    """Emits tokens for the parser; subclasses decide, from the mode, which scanner to call."""

    def __init__(self, job) -> None:
        self.job, self.src, self.pos, self.n = job, job.source, job.start, len(job.source)
        self.frames: list[Frame] = []
        self.mode = STMT
        self.prev_end = -1
        self.postfixable = False  # the previous token can take .Member / [index] when adjacent

    def _emit(self, type_: str, value, start: int, end: int, *, mode: int | None = None,
              postfix: bool = False) -> Token:
        line, col = self.job.linemap.line_col(start)
        tok = Token(type_, value, start_pos=start, line=line, column=col, end_pos=end)
        self.pos = end
        if mode is not None:
            self.mode = mode
        self.prev_end, self.postfixable = end, postfix
        hist = self.job.history
        hist.append(tok)
        if len(hist) > 3:
            del hist[0]
        return tok

    def _open(self, type_: str, kind: str, closer: str, inner: int, length: int, keyword: str = ""):
        restore = ARGS if self.mode == ARGS else EXPR
        start = self.pos
        self.frames.append(Frame(kind, closer, restore, keyword, start, start + length))
        return self._emit(type_, self.src[start:start + length], start, start + length, mode=inner)

    def _postfix(self, c: str):
        src, start = self.src, self.pos
        if c == "." and start + 1 < self.n and src[start + 1] != ".":
            m = _MEMBER.match(src, start + 1)
            if m:
                return self._emit("MEMBER", m.group(), start, m.end(), postfix=True)
            if src[start + 1] in SINGLE_QUOTES:
                name, end = scan_single(src, start + 1)
                return self._emit("MEMBER", name, start, end, postfix=True)
            if src[start + 1] in DOUBLE_QUOTES:  # ."msDS-AllowedToDelegateTo", ."$name": parts when expandable
                parts, end = scan_double(src, start + 1, self._parse_sub)
                name = "".join(parts) if all(isinstance(p, str) for p in parts) else self._nodes(parts)
                return self._emit("MEMBER", name, start, end, postfix=True)
            if src[start + 1] == "$":  # .$name: the member named by a variable's value
                var = scan_variable(src, start + 1)
                if var is not None:
                    return self._emit("MEMBER", self._nodes((("var", var[0], start + 1, var[1]),)), start, var[1],
                                      postfix=True)
        elif c == "[":
            return self._open("LBRACKET", "index", "]", OPERAND, 1)
        elif c == "(" and self.job.history and self.job.history[-1].type in ("MEMBER", "STATIC"):
            return self._open("CALL", "call", ")", OPERAND, 1)
        return None

    def _operator(self, c: str):
        """A token after a complete value: binary operators, assignment, pipe, ``in``."""
        src, start = self.src, self.pos
        two = src[start:start + 2]
        if c in DASHES:
            m = WORD.match(src, start + 1)
            if m:
                word = m.group().lower()
                if word in BINARY:
                    return self._emit(BINARY[word], word, start, m.end(), mode=OPERAND)
                return self._emit("GARBAGE", src[start:m.end()], start, m.end())
            if src[start + 1:start + 2] == "=":
                return self._emit("ASSIGN", "-=", start, start + 2, mode=PIPE)
            if src[start + 1:start + 2] in DASHES:
                return self._emit("INCDEC", "--", start, start + 2, mode=EXPR)
            return self._emit("MINUS", "-", start, start + 1, mode=OPERAND)
        if two in _ASSIGN_OPS:
            return self._emit("ASSIGN", two, start, start + 2, mode=PIPE)
        if two == "++":
            return self._emit("INCDEC", "++", start, start + 2, mode=EXPR)
        if two == "..":
            return self._emit("DOTDOT", "..", start, start + 2, mode=OPERAND)
        if two in ("&&", "||"):
            raise ScanError(f"The token '{two}' is not a valid statement separator in this version.",
                            "InvalidEndOfLine", start, start + 2)
        single = {"+": "PLUS", "*": "MUL_OP", "/": "MUL_OP", "%": "MUL_OP", ",": "COMMA"}
        if c in single:
            return self._emit(single[c], c, start, start + 1, mode=OPERAND)
        if c == "=" and two != "==":
            return self._emit("ASSIGN", "=", start, start + 1, mode=PIPE)
        if c == "|":
            return self._emit("PIPE", c, start, start + 1, mode=PIPE)
        frame = self.frames[-1]
        m = KEYWORD_WORD.match(src, start)
        if m and m.group().lower() == "in" and frame.kind == "paren" and frame.keyword == "foreach":
            return self._emit("IN", "in", start, m.end(), mode=PIPE)
        self._redirection(c)
        return self._garbage()

    def _argument(self, c: str):
        """A token in argument mode (after a command name)."""
        src, start = self.src, self.pos
        if c in DASHES:
            parts, end = scan_generic(src, start, self._parse_sub)
            text = src[start:end]
            if text[1:] == "-%":
                raise ScanError("The stop-parsing symbol '--%' is not supported in this console.",
                                "StopParsingNotSupported", start, end)
            value = number_value(text[1:]) if len(text) > 1 else None
            if value is not None and parts == (text,):
                return self._emit("NUMBER", -value, start, end, postfix=True)
            m = WORD.match(src, start + 1)
            if m:
                if src.startswith(":", m.end()):
                    return self._emit("PARAM_COLON", m.group(), start, m.end() + 1)
                return self._emit("PARAM", m.group(), start, m.end())
        if c == "$":
            var = scan_variable(src, start)
            if var is None or var[1] >= self.n or src[var[1]] in ".[,;|&(){}<>" or src[var[1]].isspace():
                return self._dollar()
        elif c == "@":
            return self._at()
        elif c in SINGLE_QUOTES or c in DOUBLE_QUOTES:
            end = scan_single(src, start)[1] if c in SINGLE_QUOTES else scan_double(src, start, self._parse_sub)[1]
            if end >= self.n or src[end] in ".[,;|&(){}<>" or src[end].isspace():
                return self._string(ARGS)
        elif c in "(":
            return self._open("LPAREN", "paren", ")", PIPE, 1)
        elif c == "{":
            return self._open("LBRACE", "block", "}", STMT, 1)
        elif c == ",":
            return self._emit("COMMA", c, start, start + 1)
        elif c == "|":
            if src.startswith("||", start):
                raise ScanError("The token '||' is not a valid statement separator in this version.",
                                "InvalidEndOfLine", start, start + 2)
            return self._emit("PIPE", c, start, start + 1, mode=PIPE)
        elif c == "&":
            if src.startswith("&&", start):
                raise ScanError("The token '&&' is not a valid statement separator in this version.",
                                "InvalidEndOfLine", start, start + 2)
            raise ScanError('The ampersand (&) character is not allowed. The & operator is reserved for future '
                            'use; wrap an ampersand in double quotation marks ("&") to pass it as part of a string.',
                            "AmpersandNotAllowed", start, start + 1)
        self._redirection(c)
        return self._bare_word()

    def _bare_word(self):
        start = self.pos
        parts, end = scan_generic(self.src, start, self._parse_sub)
        if end == start:  # a character no token starts with: take it alone so the parser can name it
            return self._emit("GARBAGE", self.src[start], start, start + 1)
        text = self.src[start:end]
        value = number_value(text)
        if value is not None and parts == (text,):
            return self._emit("NUMBER", value, start, end, postfix=True)
        return self._emit("GENERIC", self._nodes(parts), start, end)

    def _dollar(self):
        src, start = self.src, self.pos
        if src.startswith("$(", start):
            return self._open("SUBEXPR", "sub", ")", STMT, 2)
        var = scan_variable(src, start)
        if var is None:
            if self.mode == ARGS:
                return self._bare_word()
            raise ScanError("Variable reference is not valid. '$' was not followed by a valid variable name "
                            "character. Consider using ${} to delimit the name.",
                            "InvalidVariableReference", start, start + 1)
        return self._emit("VARIABLE", var[0], start, var[1], mode=ARGS if self.mode == ARGS else EXPR, postfix=True)

    def _at(self):
        src, start = self.src, self.pos
        nxt = src[start + 1:start + 2]
        if nxt == "(":
            return self._open("ARRAYEXPR", "sub", ")", STMT, 2)
        if nxt == "{":
            return self._open("HASHSTART", "hash", "}", HASH_KEY, 2)
        if nxt and (nxt in SINGLE_QUOTES or nxt in DOUBLE_QUOTES):
            parts, end = scan_here(src, start, self._parse_sub)
            mode = ARGS if self.mode == ARGS else EXPR
            return self._string_token(parts, nxt in DOUBLE_QUOTES, start, end, mode)
        splat = WORD.match(src, start + 1) if self.mode == ARGS else None
        if splat:
            return self._emit("SPLAT", splat.group(), start, splat.end())
        if self.mode == ARGS:
            return self._bare_word()
        return self._garbage()

    def _string(self, mode: int):
        src, start = self.src, self.pos
        if src[start] in SINGLE_QUOTES:
            text, end = scan_single(src, start)
            return self._emit("STRING", text, start, end, mode=mode, postfix=True)
        parts, end = scan_double(src, start, self._parse_sub)
        return self._string_token(parts, True, start, end, mode)

    def _string_token(self, parts: tuple, expandable: bool, start: int, end: int, mode: int):
        if not expandable or all(isinstance(p, str) for p in parts):
            return self._emit("STRING", "".join(parts), start, end, mode=mode, postfix=True)
        return self._emit("EXPANDABLE", self._nodes(parts), start, end, mode=mode, postfix=True)

    def _number(self):
        src, start = self.src, self.pos
        m = NUMBER_RE.match(src, start)
        if not m or (m.end() < self.n and (src[m.end()].isalnum() or src[m.end()] == "_")):
            return None
        return self._emit("NUMBER", number_value(m.group()), start, m.end(), mode=EXPR, postfix=True)

    def _garbage(self):
        """A token no rule accepts here; scanned only so the parser can name it in "Unexpected token"."""
        src, start = self.src, self.pos
        c = src[start]
        if c in SINGLE_QUOTES:
            end = scan_single(src, start)[1]
        elif c in DOUBLE_QUOTES:
            end = scan_double(src, start, self._parse_sub)[1]
        elif c == "$" and scan_variable(src, start):
            end = scan_variable(src, start)[1]
        elif c in "(){}[],;|&=<>!+*/%.":
            end = start + (2 if src[start:start + 2] in ("==", "!=", "::") else 1)
        else:
            end = scan_generic(src, start, self._parse_sub)[1]
        return self._emit("GARBAGE", src[start:max(end, start + 1)], start, max(end, start + 1))

    def _redirection(self, c: str) -> None:
        if c == "<":
            raise ScanError("The '<' operator is reserved for future use.", "RedirectionNotSupported", self.pos,
                            self.pos + 1)
        if c == ">":
            raise ScanError("Output redirection is not supported in this console; pipe to Out-Null or Out-String.",
                            "RedirectionNotSupported", self.pos, self.pos + 1)

    def _parse_sub(self, offset: int):
        return self.job.parse_sub(self.job, offset)

    def _nodes(self, parts: tuple):
        """Expandable parts with ``("var", …)``/``("sub", …)`` turned into AST nodes."""
        out = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            elif part[0] == "var":
                line, col = self.job.linemap.line_col(part[2])
                out.append(ast.Variable(start=part[2], end=part[3], line=line, column=col, name=part[1]))
            else:
                out.append(part[1])
        return tuple(out)
