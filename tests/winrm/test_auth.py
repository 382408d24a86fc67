"""The users file (exact file:line messages) and HTTP Basic parsing."""
from __future__ import annotations

import base64
import hashlib
import textwrap

import pytest

from engine.errors import ContentError
from engine.winrm_server.auth import Users, load_users, parse_basic


def write(tmp_path, text: str):
    path = tmp_path / "users.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_users(path)
    return [str(p) for p in info.value.problems]


def test_plain_and_hashed_passwords(tmp_path):
    digest = hashlib.sha256("bob-pw".encode()).hexdigest()
    users = load_users(write(tmp_path, f"""
        alice: {{password: alice-pw}}
        bob: {{password_sha256: {digest.upper()}}}
    """))
    assert users.check("alice", "alice-pw")
    assert users.check("bob", "bob-pw")
    assert not users.check("alice", "bob-pw")
    assert not users.check("carol", "alice-pw")


def test_every_problem_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, """
        alice: {password: a, password_sha256: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8}
        bob:
          password_sha256: abc
        carol: {}
        dave:
          pasword: x
        "e:ve": {password: x}
        frank: {password: ''}
    """)
    f = str(path)
    assert problems(path) == [
        f"{f}:1: alice: give exactly one of 'password' and 'password_sha256'",
        f"{f}:3: bob.password_sha256: must be 64 hexadecimal characters (the SHA-256 of the UTF-8 password)",
        f"{f}:4: carol: give exactly one of 'password' and 'password_sha256'",
        f"{f}:6: dave.pasword: unknown key 'pasword'",
        f"{f}:7: e:ve: a user name cannot contain ':' (HTTP Basic separates name and password with it)",
        f"{f}:8: frank.password: an empty password is not allowed",
    ]


def test_a_yaml_syntax_error_and_an_empty_file(tmp_path):
    path = write(tmp_path, "alice: {password: [\n")
    assert problems(path)[0].startswith(f"{path}:2: YAML syntax error")
    empty = write(tmp_path, "")
    assert problems(empty) == [f"{empty}:1: a users file holds a non-empty mapping (name: {{…}} lines)"]


def test_a_missing_file(tmp_path):
    assert problems(tmp_path / "nope.yaml") == [
        f"{tmp_path / 'nope.yaml'}:1: cannot read the users file: No such file or directory"]


def basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode("latin-1")).decode()


def test_parse_basic():
    assert parse_basic(basic("alice:pa:ss")) == ("alice", "pa:ss")
    assert parse_basic(basic("jörg:pw")) == ("jörg", "pw")
    assert parse_basic(basic("nocolon")) is None
    assert parse_basic(basic(":pw")) is None
    assert parse_basic("Basic %%%") is None
    assert parse_basic("Bearer abc") is None
    assert parse_basic(None) is None


def test_single_user():
    users = Users.single("dev", "pw")
    assert users.check("dev", "pw") and not users.check("dev", "PW")
