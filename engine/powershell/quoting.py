"""Embedding data in PowerShell scripts safely: the only way the engine puts strings into script text."""
from __future__ import annotations

from engine.powershell.scanning import SINGLE_QUOTES

# PowerShell closes a verbatim string at any of the five single quotes, so each is doubled (as PowerShell's own
# CodeGeneration.EscapeSingleQuotedStringContent does); escaping only the ASCII quote would be exploitable
_DOUBLED = {ord(q): q + q for q in SINGLE_QUOTES}


def ps_quote(s: str) -> str:
    """``s`` as a single-quoted PowerShell literal that evaluates to exactly ``s``; refuses NUL (ValueError)."""
    if "\0" in s:
        raise ValueError("PowerShell strings cannot carry NUL characters")
    return "'" + s.translate(_DOUBLED) + "'"
