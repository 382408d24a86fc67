"""The targets file: endpoints, no secrets, exact file:line messages."""
from __future__ import annotations

import textwrap

import pytest

from engine.backends.winrm import UnknownTargetError, load_targets
from engine.errors import ContentError


def write(tmp_path, text: str):
    path = tmp_path / "targets.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_targets(path)
    return [str(p) for p in info.value.problems]


def test_a_valid_file_and_its_endpoints(tmp_path):
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    targets = load_targets(write(tmp_path, """
        HV1:
          url: https://hv1.contoso.com:5986/wsman
          transport: ntlm
          ca_path: ca.pem
          username_env: LAB_USER
          password_env: LAB_PASSWORD
        HV2: {host: hv2.contoso.com, transport: ssl, username_env: U, password_env: P}
        HV3: {host: hv3, port: 15985, transport: basic, username_env: U, password_env: P}
    """))
    hv1 = targets.get("hv1")  # Windows host names are case-insensitive
    assert hv1.endpoint() == "https://hv1.contoso.com:5986/wsman"
    assert hv1.ca_path == tmp_path / "ca.pem"
    assert (hv1.operation_timeout_s, hv1.read_timeout_s, hv1.cert_validation) == (20, 30, "validate")
    assert targets.get("HV2").endpoint() == "https://hv2.contoso.com:5986/wsman"
    assert targets.get("HV3").endpoint() == "http://hv3:15985/wsman"


def test_an_unknown_host_names_the_file_and_the_known_hosts(tmp_path):
    targets = load_targets(write(tmp_path, "HV1: {host: a, username_env: U, password_env: P}\n"))
    with pytest.raises(UnknownTargetError) as info:
        targets.get("HV9")
    assert str(info.value) == f"HV9: not in the targets file {targets.file} (known hosts: HV1)"


def test_every_problem_with_its_line(tmp_path):
    path = write(tmp_path, """
        HV1:
          url: https://hv1:5986/wsman
          username_env: U
          password_env: P
          password: hunter2
        HV2:
          host: hv2
          transport: winrs
          username_env: U
          password_env: P
        HV3:
          url: ftp://hv3
          username_env: U
          password_env: P
        HV4:
          host: hv4
          operation_timeout_s: 40
          username_env: U
          password_env: P
        HV5:
          host: hv5
          url: http://hv5
          username_env: U
          password_env: P
        HV6:
          host: hv6
          ca_path: missing.pem
          username_env: U
        HV7:
          host: hv7
          cert_validation: off
          read_timeout_s: 10
          username_env: U
          password_env: P
    """)
    f = str(path)
    assert problems(path) == [
        f"{f}:5: HV1.password: passwords never go in the targets file: put the password in an environment "
        "variable and give its name as password_env",
        f"{f}:8: HV2.transport: Input should be 'ntlm', 'kerberos', 'credssp', 'ssl' or 'basic'",
        f"{f}:12: HV3.url: 'ftp://hv3' is not an http:// or https:// URL with a host name",
        f"{f}:15: HV4.read_timeout_s: must exceed operation_timeout_s (40): the server may hold a Receive that "
        "long before answering",
        f"{f}:20: HV5: give exactly one of 'url' and 'host'",
        f"{f}:25: HV6.password_env: required key is missing",
        f"{f}:31: HV7.cert_validation: Input should be 'validate' or 'ignore'",
        f"{f}:32: HV7.read_timeout_s: must exceed operation_timeout_s (20): the server may hold a Receive that "
        "long before answering",
    ]


def test_a_ca_path_that_does_not_exist(tmp_path):
    path = write(tmp_path, "HV1:\n  host: a\n  ca_path: nope.pem\n  username_env: U\n  password_env: P\n")
    assert problems(path) == [f"{path}:3: HV1.ca_path: no such file: {tmp_path / 'nope.pem'}"]
