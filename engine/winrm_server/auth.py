"""Who may use the server: the users file and HTTP Basic checking.

Users file (YAML), one entry per learner::

    alice: {password: correct horse}          # plain text: fine for a classroom machine you control
    bob: {password_sha256: 5e8848…}           # hex SHA-256 of the UTF-8 password

Problems are reported as ``file:line: key.path: message``. Passwords are compared with
``hmac.compare_digest`` (an unknown user is compared against a dummy digest so timing does not tell
which names exist) and are never logged or echoed. An unsalted SHA-256 only keeps the password out of
plain sight in the file; it is not a defence against someone who can read the file and brute-force it.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from engine.content.yamlload import line_of
from engine.errors import ContentError, Problem
from engine.content.yamlload import pydantic_problems, read_mapping

__all__ = ["UserEntry", "Users", "load_users", "parse_basic"]

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


class UserEntry(BaseModel):
    """One user's secret: exactly one of ``password`` and ``password_sha256``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    password: str | None = None
    password_sha256: str | None = None

    @field_validator("password")
    @classmethod
    def _not_empty(cls, value: str | None) -> str | None:
        if value is not None and not value:
            raise ValueError("an empty password is not allowed")
        return value

    @field_validator("password_sha256")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        if value is not None and not _HEX64.match(value):
            raise ValueError("must be 64 hexadecimal characters (the SHA-256 of the UTF-8 password)")
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> "UserEntry":
        if (self.password is None) == (self.password_sha256 is None):
            raise ValueError("give exactly one of 'password' and 'password_sha256'")
        return self

    def digest(self) -> bytes:
        if self.password_sha256 is not None:
            return bytes.fromhex(self.password_sha256)
        return hashlib.sha256(self.password.encode("utf-8")).digest()


@dataclass(frozen=True)
class Users:
    """User name → SHA-256 digest of the password (immutable)."""

    digests: Mapping[str, bytes]

    @classmethod
    def single(cls, name: str, password: str) -> "Users":
        """One user, e.g. from ``--single-user NAME:ENV_VAR``."""
        return cls(MappingProxyType({name: hashlib.sha256(password.encode("utf-8")).digest()}))

    def check(self, name: str, password: str) -> bool:
        """True when ``password`` is ``name``'s; constant-time in the password, same path for unknown names."""
        given = hashlib.sha256(password.encode("utf-8")).digest()
        expected = self.digests.get(name, b"\0" * 32)
        return hmac.compare_digest(given, expected) and name in self.digests


def _name_problem(name: object) -> str | None:
    if not isinstance(name, str) or not name:
        return "a user name must be a non-empty string"
    if ":" in name:
        return "a user name cannot contain ':' (HTTP Basic separates name and password with it)"
    if any(ord(c) < 32 for c in name):
        return "a user name cannot contain control characters"
    return None


def load_users(path: Path) -> Users:
    """Read and validate a users file; raise ``ContentError`` with every problem found."""
    data, problems = read_mapping(path, "users file")
    if problems:
        raise ContentError(problems)
    file = str(path)
    digests: dict[str, bytes] = {}
    for name, value in data.items():
        message = _name_problem(name)
        if message:
            problems.append(Problem(file, line_of(data, (name,)), str(name), message))
            continue
        try:
            digests[name] = UserEntry.model_validate(value if value is not None else {}).digest()
        except ValidationError as exc:
            problems += pydantic_problems(exc, data, file, prefix=(name,))
    if problems:
        raise ContentError(problems)
    return Users(MappingProxyType(digests))


def parse_basic(header: str | None) -> tuple[str, str] | None:
    """(user, password) from an ``Authorization: Basic …`` header, or None when absent or malformed.

    pywinrm (through requests) encodes ``user:password`` as latin-1, so that is how it is decoded.
    """
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("latin-1")
    except (binascii.Error, ValueError):
        return None
    name, sep, password = decoded.partition(":")
    return (name, password) if sep and name else None
