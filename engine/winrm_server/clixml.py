"""PowerShell error records as CLIXML on stderr, the way pywinrm's ``run_ps`` cleans them into text.

Format (winrm-wire.md §4): the exact prefix ``#< CLIXML\\r\\n``, an ``Objs`` element in the *default*
namespace (a prefixed namespace defeats pywinrm's parser), one ``<S S="Error">`` per console line with
``_x000D__x000A_`` for the line break. Text is XML-escaped; a literal ``_x`` becomes ``_x005F_x`` and
control characters ``_xHHHH_`` (PowerShell's own serializer escapes), so the text survives unchanged.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape

__all__ = ["encode_errors", "escape_text"]

PREFIX = b"#< CLIXML\r\n"
_OPEN = '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
_NEEDS_ESCAPE = re.compile(r"_x|[\x00-\x08\x0b-\x1f\x7f]")


def _escape_char(match: re.Match) -> str:
    text = match.group()
    return "_x005F_x" if text == "_x" else f"_x{ord(text):04X}_"


def escape_text(text: str) -> str:
    """One line of text as CLIXML string content."""
    return escape(_NEEDS_ESCAPE.sub(_escape_char, text))


def encode_errors(error_texts: list[str]) -> bytes:
    """stderr bytes for these error records (each possibly multi-line); empty when there are none."""
    if not error_texts:
        return b""
    lines = [line for text in error_texts for line in text.replace("\r\n", "\n").rstrip("\n").split("\n")]
    body = "".join(f'<S S="Error">{escape_text(line)}_x000D__x000A_</S>' for line in lines)
    return PREFIX + (_OPEN + body + "</Objs>").encode("utf-8")
