"""The tokenizer: a lark custom lexer that switches between PowerShell's expression and argument modes.

PowerShell cannot be tokenized by regular expressions alone: ``-Name`` is a parameter after a command name but
``-eq`` is an operator after a value; ``VM1,VM2`` is an array of bare words; ``4GB`` is a number but
``10.0.0.1`` is a word; ``$a.b`` is member access but ``$a .b`` is two arguments. PowerShell's own parser tells
its tokenizer which mode to use; here the tokenizer tracks the same context itself with a stack of open
brackets and a mode (what may come next), and feeds lark's LALR parser the tokens declared in grammar.lark.
"""
from __future__ import annotations

import re

from lark import Token
from lark.lexer import Lexer

from engine.powershell import ast
from engine.powershell.errors import Extent, ParseError
from engine.powershell.scanning import (
    DASHES, DOUBLE_QUOTES, NUMBER_RE, SINGLE_QUOTES, LineMap, ScanError, is_space, number_value, scan_double,
    scan_generic, scan_here, scan_single, scan_variable)

# modes: what the parser can accept next
STMT, PIPE, PIPE_OPT, OPERAND, EXPR, ARGS, AFTER_BLOCK, EXPECT_BLOCK, EXPECT_PAREN, HASH_KEY = range(10)
_SEPARATED = {"script", "block", "sub", "fragment", "hash"}  # frames whose newlines end statements
_CLOSE_TYPE = {")": "RPAREN", "}": "RBRACE", "]": "RBRACKET"}

_BINARY = {"and": "LOGICAL_OP", "or": "LOGICAL_OP", "xor": "LOGICAL_OP", "f": "FORMAT_OP",
           "band": "CMP_OP", "bor": "CMP_OP", "bxor": "CMP_OP", "join": "CMP_OP"}
for _op in ("eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch", "contains", "notcontains",
            "in", "notin", "replace", "split"):
    for _prefix in ("", "i", "c"):
        _BINARY[_prefix + _op] = "CMP_OP"
_UNARY = {"not": "NOT", "bnot": "UNARY_OP", "join": "UNARY_OP", "split": "UNARY_OP"}
_KEYWORDS = {"if": "IF", "foreach": "FOREACH", "for": "FOR", "while": "WHILE", "try": "TRY", "throw": "THROW",
             "return": "RETURN", "break": "BREAK", "continue": "CONTINUE", "exit": "EXIT",
             "else": "ELSE", "elseif": "ELSEIF", "catch": "CATCH", "finally": "FINALLY"}
_UNSUPPORTED = {"function", "filter", "workflow", "switch", "do", "until", "trap", "param", "begin", "process",
                "end", "data", "dynamicparam", "class", "enum", "using", "configuration"}
_CONTINUES = {"if": ("else", "elseif"), "try": ("catch", "finally")}
_WORD = re.compile(r"[\w?]+")
_KEYWORD_WORD = re.compile(r"[A-Za-z]+(?![\w-])")
_MEMBER = re.compile(r"[\w]+")
_HASH_KEY = re.compile(r"[\w-]+")
_TYPE = re.compile(r"\[\s*([A-Za-z_][\w.`+]*(?:\[\])?)\s*\]")
_SPACE_RUN = re.compile(r"[ \t]+")
_ASSIGN_OPS = ("+=", "-=", "*=", "/=", "%=")


class Frame:
    """An open bracket: what closes it, the mode to return to, and the keyword it belongs to."""

    __slots__ = ("kind", "closer", "restore", "keyword", "start", "end")

    def __init__(self, kind: str, closer: str, restore: int, keyword: str, start: int, end: int) -> None:
        self.kind, self.closer, self.restore, self.keyword, self.start, self.end = (
            kind, closer, restore, keyword, start, end)


class ParseJob:
    """Per-parse state handed through lark to the lexer (the lexer object itself is shared and stateless)."""

    def __init__(self, source: str, start: int, linemap: LineMap, fragment: bool, depth: int, parse_sub) -> None:
        self.source, self.start, self.linemap = source, start, linemap
        self.fragment, self.depth, self.parse_sub = fragment, depth, parse_sub
        self.frames: list[Frame] = []
        self.history: list[Token] = []  # the last three tokens, for error messages
        self.keyword_parens: dict[int, str] = {}  # offset of a keyword's '(' or ')' → the keyword as typed
        self.end = len(source)  # where a fragment stopped (after its ')')


class PSLexer(Lexer):
    """lark custom lexer (interface 2): ``lex`` receives the ParseJob as its "text"."""

    __future_interface__ = 2

    def __init__(self, conf) -> None:  # lark hands over its lexer configuration; the terminals are declared
        pass

    def lex(self, lexer_state, parser_state):
        """Yield the tokens of the job in ``lexer_state.text``."""
        return _Tokenizer(lexer_state.text).run()


class _Tokenizer:
    def __init__(self, job: ParseJob) -> None:
        self.job, self.src, self.pos, self.n = job, job.source, job.start, len(job.source)
        base = Frame("fragment" if job.fragment else "script", ")" if job.fragment else "", STMT, "", job.start,
                     job.start)
        job.frames = self.frames = [base]
        self.mode = STMT
        self.block_kind = ""  # which keyword the next block belongs to
        self.prev_end = -1
        self.postfixable = False  # the previous token can take .Member / [index] when adjacent

    # ------------------------------------------------------------------------------------------------ driver
    def run(self):
        try:
            while True:
                self._skip_blank()
                if self.pos >= self.n:
                    return
                c = self.src[self.pos]
                if c in "\r\n;":
                    tok = self._separator(c)
                elif self.mode in (EXPR, ARGS) and self.postfixable and self.pos == self.prev_end:
                    tok = self._postfix(c)
                else:
                    tok = None
                if tok is None:
                    tok = self._closer(c) if c in ")}]" else self._dispatch(c)
                if tok is False:  # the fragment's closing ')'
                    return
                if tok is not True:
                    yield tok
        except ScanError as e:
            raise _as_parse_error(self.src, e) from None

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

    def _skip_blank(self) -> None:
        src, n = self.src, self.n
        while self.pos < n:
            c = src[self.pos]
            if c in " \t":
                self.pos = _SPACE_RUN.match(src, self.pos).end()
            elif c == "`" and self.pos + 1 < n and src[self.pos + 1] in "\r\n":
                self.pos += 3 if src.startswith("\r\n", self.pos + 1) else 2
            elif c == "#":
                while self.pos < n and src[self.pos] not in "\r\n":
                    self.pos += 1
            elif src.startswith("<#", self.pos):
                end = src.find("#>", self.pos + 2)
                if end < 0:
                    raise ScanError("The terminator '#>' is missing from the multiline comment.",
                                    "MissingTerminatorMultiLineComment", self.pos, n)
                self.pos = end + 2
            elif c not in "\r\n" and is_space(c):
                self.pos += 1
            else:
                return

    # ------------------------------------------------------------------------------------------- separators
    def _separator(self, c: str):
        frame, mode = self.frames[-1], self.mode
        end = self.pos + (2 if self.src.startswith("\r\n", self.pos) else 1)
        if frame.kind not in _SEPARATED:
            if c == ";":
                return self._emit("_SEP", ";", self.pos, end, mode=PIPE if frame.keyword == "for" else None)
            self.pos = end
            return True
        if mode == AFTER_BLOCK and c != ";" and self._continuation_follows(end):
            self.pos = end
            return True
        if mode in (EXPR, ARGS, AFTER_BLOCK, PIPE_OPT) or (c == ";" and mode in (PIPE, OPERAND, EXPECT_BLOCK)):
            return self._emit("_SEP", c, self.pos, end, mode=HASH_KEY if frame.kind == "hash" else STMT)
        self.pos = end
        return True

    def _continuation_follows(self, pos: int) -> bool:
        """After a block's newline: does ``else``/``elseif``/``catch``/``finally`` come next?"""
        saved = self.pos
        self.pos = pos
        while True:
            self._skip_blank()
            if self.pos < self.n and self.src[self.pos] in "\r\n":
                self.pos += 1
                continue
            break
        m = _KEYWORD_WORD.match(self.src, self.pos)
        self.pos = saved
        return bool(m) and m.group().lower() in _CONTINUES.get(self.block_kind, ())

    # ---------------------------------------------------------------------------------------------- brackets
    def _open(self, type_: str, kind: str, closer: str, inner: int, length: int, keyword: str = ""):
        restore = ARGS if self.mode == ARGS else EXPR
        start = self.pos
        self.frames.append(Frame(kind, closer, restore, keyword, start, start + length))
        return self._emit(type_, self.src[start:start + length], start, start + length, mode=inner)

    def _closer(self, c: str):
        frame = self.frames[-1]
        start = self.pos
        if frame.closer != c:
            return self._emit(_CLOSE_TYPE[c], c, start, start + 1)  # unbalanced: let the parser report it
        self.frames.pop()
        if frame.kind == "fragment":
            self.job.end = start + 1
            return False
        if frame.keyword and frame.kind == "paren":
            self.block_kind = frame.keyword
            self.job.keyword_parens[start] = self.job.keyword_parens.get(frame.start, frame.keyword)
            return self._emit("RPAREN", c, start, start + 1, mode=EXPECT_BLOCK)
        if frame.keyword and frame.kind == "block":
            self.block_kind = frame.keyword
            return self._emit("RBRACE", c, start, start + 1, mode=AFTER_BLOCK)
        # a script block's closing brace carries the block's text: that is what $sb.ToString() shows
        value = self.src[frame.end:start] if frame.kind == "block" else c
        return self._emit(_CLOSE_TYPE[c], value, start, start + 1, mode=frame.restore, postfix=True)

    def _postfix(self, c: str):
        src, start = self.src, self.pos
        if c == "." and start + 1 < self.n and src[start + 1] != ".":
            m = _MEMBER.match(src, start + 1)
            if m:
                return self._emit("MEMBER", m.group(), start, m.end(), postfix=True)
            if src[start + 1] in SINGLE_QUOTES:
                name, end = scan_single(src, start + 1)
                return self._emit("MEMBER", name, start, end, postfix=True)
        elif c == "[":
            return self._open("LBRACKET", "index", "]", OPERAND, 1)
        elif c == "(" and self.job.history and self.job.history[-1].type == "MEMBER":
            return self._open("CALL", "call", ")", OPERAND, 1)
        return None

    # ------------------------------------------------------------------------------------------------ tokens
    def _dispatch(self, c: str):
        mode = self.mode
        if mode == ARGS:
            return self._argument(c)
        if mode == EXPR:
            return self._operator(c)
        if mode == AFTER_BLOCK:
            return self._after_block(c)
        if mode == EXPECT_BLOCK:
            return self._expect_block(c)
        if mode == EXPECT_PAREN:
            if c == "(":
                kw = self.job.history[-1]
                self.job.keyword_parens[self.pos] = self.src[kw.start_pos:kw.end_pos]
                return self._open("LPAREN", "paren", ")", PIPE, 1, self.block_kind)
            return self._garbage()
        if mode == HASH_KEY:
            m = _HASH_KEY.match(self.src, self.pos)
            if m and not m.group()[0].isdigit():
                return self._emit("HKEY", m.group(), self.pos, m.end(), mode=EXPR)
        return self._operand(c)

    def _operand(self, c: str):
        """A token where an expression (or, in STMT/PIPE, a command) may start."""
        src, start, mode = self.src, self.pos, self.mode
        if c == "$":
            return self._dollar()
        if c == "@":
            return self._at()
        if c in SINGLE_QUOTES or c in DOUBLE_QUOTES:
            return self._string(EXPR)
        if c == "(":
            return self._open("LPAREN", "paren", ")", PIPE, 1)
        if c == "{":
            return self._open("LBRACE", "block", "}", STMT, 1)
        if c == "[":
            m = _TYPE.match(src, start)
            if not m:
                raise ScanError("Missing type name after '['.", "MissingTypename", start, start + 1)
            return self._emit("TYPE", m.group(1), start, m.end(), mode=OPERAND)
        number = self._number()
        if number is not None:
            return number
        if c in DASHES:
            m = _WORD.match(src, start + 1)
            if m and m.group()[0].isdigit():
                m = None
            if m and m.group().lower() in _UNARY:
                return self._emit(_UNARY[m.group().lower()], m.group().lower(), start, m.end(), mode=OPERAND)
            if not (m and mode in (STMT, PIPE, PIPE_OPT)):
                return self._emit("MINUS", "-", start, start + 1, mode=OPERAND)
        if c in "+!,":
            return self._emit({"+": "PLUS", "!": "NOT", ",": "UCOMMA"}[c], c, start, start + 1, mode=OPERAND)
        if mode not in (STMT, PIPE, PIPE_OPT):
            return self._garbage()
        if c == "&" and not src.startswith("&&", start):
            return self._emit("AMP", "&", start, start + 1, mode=ARGS)
        if c in "|&<>=":
            return self._garbage()
        return self._command_name()

    def _command_name(self):
        src, start = self.src, self.pos
        if self.mode == STMT:
            m = _KEYWORD_WORD.match(src, start)
            if m and m.group().lower() in _UNSUPPORTED:
                raise ScanError(f"The '{m.group().lower()}' keyword is not supported in this console.",
                                "KeywordNotSupported", start, m.end())
            if m and m.group().lower() in _KEYWORDS:
                return self._keyword(m.group().lower(), m.end())
        parts, end = scan_generic(src, start, self._parse_sub)
        if end == start:
            return self._emit("GARBAGE", src[start], start, start + 1)
        name = "".join(p for p in parts if isinstance(p, str)) or src[start:end]
        return self._emit("COMMAND", name, start, end, mode=ARGS)

    def _keyword(self, word: str, end: int):
        type_ = _KEYWORDS[word]
        if word in ("if", "elseif", "while", "foreach", "for"):
            self.block_kind = {"elseif": "if", "while": "loop", "foreach": "foreach", "for": "for"}.get(word, word)
            return self._emit(type_, word, self.pos, end, mode=EXPECT_PAREN)
        if word in ("else", "try", "catch", "finally"):
            self.block_kind = "if" if word == "else" else "try"
            return self._emit(type_, word, self.pos, end, mode=EXPECT_BLOCK)
        return self._emit(type_, word, self.pos, end, mode=EXPR if word in ("break", "continue") else PIPE_OPT)

    def _after_block(self, c: str):
        m = _KEYWORD_WORD.match(self.src, self.pos)
        if m and m.group().lower() in _CONTINUES.get(self.block_kind, ()):
            return self._keyword(m.group().lower(), m.end())
        self.mode = STMT
        return self._emit("_SEP", "", self.pos, self.pos, mode=STMT)

    def _expect_block(self, c: str):
        if c == "{":
            kind = {"foreach": "loop", "for": "loop"}.get(self.block_kind, self.block_kind)
            return self._open("LBRACE", "block", "}", STMT, 1, kind)
        if c == "[" and _TYPE.match(self.src, self.pos):
            m = _TYPE.match(self.src, self.pos)
            return self._emit("TYPE", m.group(1), self.pos, m.end())
        if c == ",":
            return self._emit("COMMA", c, self.pos, self.pos + 1)
        return self._garbage()

    def _operator(self, c: str):
        """A token after a complete value: binary operators, assignment, pipe, ``in``."""
        src, start = self.src, self.pos
        two = src[start:start + 2]
        if c in DASHES:
            m = _WORD.match(src, start + 1)
            if m:
                word = m.group().lower()
                if word in _BINARY:
                    return self._emit(_BINARY[word], word, start, m.end(), mode=OPERAND)
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
        m = _KEYWORD_WORD.match(src, start)
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
            m = _WORD.match(src, start + 1)
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

    # ----------------------------------------------------------------------------------------------- helpers
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
        if self.mode == ARGS and _WORD.match(src, start + 1):
            raise ScanError("Splatting is not supported in this console.", "SplattingNotSupported", start,
                            _WORD.match(src, start + 1).end())
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


def _as_parse_error(source: str, e: ScanError) -> ParseError:
    return ParseError(e.message, e.error_id, Extent(source, e.start, e.end))
