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

from engine.powershell.errors import Extent, ParseError
from engine.powershell.scanning import DASHES, DOUBLE_QUOTES, SINGLE_QUOTES, LineMap, ScanError, is_space, scan_generic
from engine.powershell.tokens import (
    AFTER_BLOCK, ARGS, BINARY, EXPECT_BLOCK, EXPECT_PAREN, EXPR, HASH_KEY, KEYWORD_WORD, OPERAND, PIPE, PIPE_OPT, STMT,
    TYPE, UNARY, WORD, CLOSE_TYPE, Frame, TokenScanner)

_SEPARATED = {"script", "block", "sub", "fragment", "hash"}  # frames whose newlines end statements
_KEYWORDS = {"if": "IF", "foreach": "FOREACH", "for": "FOR", "while": "WHILE", "try": "TRY", "throw": "THROW",
             "return": "RETURN", "break": "BREAK", "continue": "CONTINUE", "exit": "EXIT",
             "else": "ELSE", "elseif": "ELSEIF", "catch": "CATCH", "finally": "FINALLY"}
_UNSUPPORTED = {"function", "filter", "workflow", "switch", "do", "until", "trap", "param", "begin", "process",
                "end", "data", "dynamicparam", "class", "enum", "using", "configuration"}
_CONTINUES = {"if": ("else", "elseif"), "try": ("catch", "finally")}
_HASH_KEY = re.compile(r"[\w-]+")
_SPACE_RUN = re.compile(r"[ \t]+")
_STATIC_MEMBER = re.compile(r"\w+")


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


class _Tokenizer(TokenScanner):
    """Tracks the mode (open brackets, keyword statements, statement ends) and picks the token scanner."""

    def __init__(self, job: ParseJob) -> None:
        super().__init__(job)
        base = Frame("fragment" if job.fragment else "script", ")" if job.fragment else "", STMT, "", job.start,
                     job.start)
        job.frames = self.frames = [base]
        self.block_kind = ""  # which keyword the next block belongs to

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
        m = KEYWORD_WORD.match(self.src, self.pos)
        self.pos = saved
        return bool(m) and m.group().lower() in _CONTINUES.get(self.block_kind, ())

    # ---------------------------------------------------------------------------------------------- brackets

    def _closer(self, c: str):
        frame = self.frames[-1]
        start = self.pos
        if frame.closer != c:
            return self._emit(CLOSE_TYPE[c], c, start, start + 1)  # unbalanced: let the parser report it
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
        return self._emit(CLOSE_TYPE[c], value, start, start + 1, mode=frame.restore, postfix=True)

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
            m = TYPE.match(src, start)
            if not m:
                raise ScanError("Missing type name after '['.", "MissingTypename", start, start + 1)
            if src.startswith("::", m.end()):  # [Convert]::ToBase64String: one token, type and member
                member = _STATIC_MEMBER.match(src, m.end() + 2)
                if member is None:
                    raise ScanError("Missing property name after the reference operator.", "MissingPropertyName",
                                    m.end(), m.end() + 2)
                return self._emit("STATIC", (m.group(1), member.group(), m.end()), start, member.end(), mode=EXPR,
                                  postfix=True)
            if self._type_stands_alone(m.end()):  # $x -is [string]: a type literal, not a cast
                return self._emit("TYPELIT", m.group(1), start, m.end(), mode=EXPR)
            if src[m.end():m.end() + 1] == "." and _STATIC_MEMBER.match(src, m.end() + 1):  # [string].Name
                return self._emit("TYPELIT", m.group(1), start, m.end(), mode=EXPR, postfix=True)
            return self._emit("TYPE", m.group(1), start, m.end(), mode=OPERAND)
        number = self._number()
        if number is not None:
            return number
        if c in DASHES:
            m = WORD.match(src, start + 1)
            if m and m.group()[0].isdigit():
                m = None
            if m and m.group().lower() in UNARY:
                return self._emit(UNARY[m.group().lower()], m.group().lower(), start, m.end(), mode=OPERAND)
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

    def _type_stands_alone(self, pos: int) -> bool:
        """After ``[type]``: does nothing castable follow (a closer, a separator, a pipe, a binary operator)?"""
        src = self.src
        while pos < self.n and (src[pos] in " \t" or src.startswith("<#", pos)):
            end = src.find("#>", pos + 2) if src[pos] == "<" else pos
            if end < 0:
                return True  # let the scanner report the unterminated comment
            pos = end + 2 if src[pos] == "<" else pos + 1
        if pos >= self.n or src[pos] in ")}];|#\r\n":
            return True
        if src[pos] in DASHES:
            m = WORD.match(src, pos + 1)
            word = m.group().lower() if m else ""
            return word in BINARY and word not in UNARY
        return False

    def _command_name(self):
        src, start = self.src, self.pos
        if self.mode == STMT:
            m = KEYWORD_WORD.match(src, start)
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
        m = KEYWORD_WORD.match(self.src, self.pos)
        if m and m.group().lower() in _CONTINUES.get(self.block_kind, ()):
            return self._keyword(m.group().lower(), m.end())
        self.mode = STMT
        return self._emit("_SEP", "", self.pos, self.pos, mode=STMT)

    def _expect_block(self, c: str):
        if c == "{":
            kind = {"foreach": "loop", "for": "loop"}.get(self.block_kind, self.block_kind)
            return self._open("LBRACE", "block", "}", STMT, 1, kind)
        if c == "[" and TYPE.match(self.src, self.pos):
            m = TYPE.match(self.src, self.pos)
            return self._emit("TYPE", m.group(1), self.pos, m.end())
        if c == ",":
            return self._emit("COMMA", c, self.pos, self.pos + 1)
        return self._garbage()











def _as_parse_error(source: str, e: ScanError) -> ParseError:
    return ParseError(e.message, e.error_id, Extent(source, e.start, e.end))
