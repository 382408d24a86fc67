"""Real lab hosts over WinRM (pywinrm): the targets file and the transport that runs PowerShell there.

Targets file (``targets.yaml``): lab host name → endpoint. It never holds a secret; credentials come
from the environment variables it names::

    HV1:
      url: https://hv1.contoso.com:5986/wsman   # or host: hv1.contoso.com (+ port:)
      transport: ntlm                 # ntlm | kerberos | credssp | ssl | basic
      cert_validation: validate       # validate | ignore
      ca_path: contoso-ca.pem         # relative to this file; omitted = the system/certifi trust store
      operation_timeout_s: 20         # WS-Man OperationTimeout
      read_timeout_s: 30              # HTTP read time-out; must exceed operation_timeout_s
      username_env: LAB_USER          # names of environment variables
      password_env: LAB_PASSWORD
    default_host: HV1                 # optional: where WinRMBackend.run goes without host= (else the first host)
    file_servers: [FS1]               # optional: SMB file servers whose shares snapshot() reads (Get-SmbShare
                                      # -CimSession from each host: from a WinRM session that second hop needs
                                      # CredSSP or delegation on real hosts)

``kerberos`` needs ``pip install pywinrm[kerberos]`` and ``credssp`` needs ``pip install pywinrm[credssp]``
(neither is a dependency of this project). ``ssl`` is HTTP Basic over HTTPS (port 5986 by default);
``basic`` over plain HTTP sends the password in clear text: use it only against the local emulator.

``WinRMBackend`` is the ``LabBackend`` over these hosts: ``run(script, host=None)`` is one ``run_ps`` on the host
(a WinRM session is a remote session, never a console logon); ``snapshot()`` is one ``run_ps`` of the gathering
script (``engine.backends.winrm_snapshot``) per host, merged into one ``LabState``. What a host could not show
(a missing module) is in ``backend.notes``, and so is a host that does not answer (shut down: shown
``Online: False`` with its last reported settings); ``Jobs``, ``Clock`` and ``Events`` are emulator-only and
stay empty/0.

Exception tree (every message starts with the lab host name and says the cause)::

    WinRMBackendError               base; .host
    ├── UnknownTargetError          the host is not in the targets file
    ├── CredentialsMissingError     an environment variable named by username_env/password_env is unset
    ├── TransportUnavailableError   kerberos/credssp support is not installed
    ├── ScriptTooLongError          the encoded command line would pass cmd.exe's 8191-character limit
    ├── HostUnreachableError        DNS failure, connection refused or reset
    ├── TLSFailureError             handshake or certificate verification failed
    ├── CredentialsRejectedError    HTTP 401 (pywinrm's InvalidCredentialsError)
    ├── TimedOutError               connect/read time-out, WinRM operation time-out
    ├── RemoteFaultError            an HTTP 500 WS-Man fault; .wsman_code, .reason
    ├── ProtocolError               any other HTTP status or an answer pywinrm cannot read
    └── RemoteScriptError           the script wrote PowerShell error records (``RemoteResult.check()``), or
                                    the gathering script printed no JSON
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal, Mapping
from urllib.parse import urlsplit

import requests
import winrm
import winrm.exceptions
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from engine.backends.winrm_snapshot import GatherError, gather_script, merge, parse_part
from engine.content.yamlload import line_of, pydantic_problems, read_mapping
from engine.errors import ContentError, Problem
from engine.hyperv.labstate import HostState, LabState
from engine.powershell.runspace import PSResult

__all__ = ["Target", "Targets", "load_targets", "RemoteResult", "WinRMTransport", "WinRMBackend", "MAX_SCRIPT_CHARS",
           "WinRMBackendError", "UnknownTargetError", "CredentialsMissingError", "TransportUnavailableError",
           "ScriptTooLongError", "HostUnreachableError", "TLSFailureError", "CredentialsRejectedError",
           "TimedOutError", "RemoteFaultError", "ProtocolError", "RemoteScriptError"]

#: UTF-16 code units of script. pywinrm sends ``powershell -encodedcommand <base64 of UTF-16-LE>``:
#: 2,500 units → 6,668 base64 characters + 27, well under cmd.exe's 8,191; real hosts already fail near
#: 3,000 ("The command line is too long.", pywinrm issues #184, #87), so this keeps a margin.
MAX_SCRIPT_CHARS = 2500


class WinRMBackendError(Exception):
    """A WinRM call to a lab host failed; the message names the host and the cause."""

    def __init__(self, host: str, message: str) -> None:
        super().__init__(f"{host}: {message}")
        self.host = host


class UnknownTargetError(WinRMBackendError):
    """The host is not in the targets file."""


class CredentialsMissingError(WinRMBackendError):
    """An environment variable the targets file names is not set."""


class TransportUnavailableError(WinRMBackendError):
    """The transport needs an optional extra that is not installed."""


class ScriptTooLongError(WinRMBackendError):
    """The script would not fit on a Windows command line."""


class HostUnreachableError(WinRMBackendError):
    """No connection: the name does not resolve, or nothing listens, or the connection was reset."""


class TLSFailureError(WinRMBackendError):
    """The TLS handshake or the certificate check failed."""


class CredentialsRejectedError(WinRMBackendError):
    """The host answered 401: wrong user name or password, or the transport is not allowed there."""


class TimedOutError(WinRMBackendError):
    """The host did not answer in time."""


class RemoteFaultError(WinRMBackendError):
    """The host answered with a WS-Management fault (HTTP 500)."""

    def __init__(self, host: str, message: str, *, wsman_code: int | None, reason: str) -> None:
        super().__init__(host, message)
        self.wsman_code = wsman_code
        self.reason = reason


class ProtocolError(WinRMBackendError):
    """An HTTP status or an answer that WinRM does not produce."""


class RemoteScriptError(WinRMBackendError):
    """The script ran and wrote PowerShell error records."""

    def __init__(self, host: str, message: str, result: "RemoteResult") -> None:
        super().__init__(host, message)
        self.result = result


Transport = Literal["ntlm", "kerberos", "credssp", "ssl", "basic"]
_EXTRAS = MappingProxyType({"kerberos": "HAVE_KERBEROS", "credssp": "HAVE_CREDSSP"})


class Target(BaseModel):
    """One lab host's WinRM endpoint (no secrets: only the names of environment variables)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = None
    host: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    transport: Transport = "ntlm"
    cert_validation: Literal["validate", "ignore"] = "validate"
    ca_path: Path | None = None
    operation_timeout_s: int = Field(20, ge=1)
    read_timeout_s: int = Field(30, validate_default=True)
    username_env: str
    password_env: str

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"'{value}' is not an http:// or https:// URL with a host name")
        return value

    @field_validator("read_timeout_s")
    @classmethod
    def _read_after_operation(cls, value: int, info: ValidationInfo) -> int:
        operation = info.data.get("operation_timeout_s")
        if operation is not None and value <= operation:
            raise ValueError(f"must exceed operation_timeout_s ({operation}): the server may hold a Receive "
                             "that long before answering")
        return value

    @model_validator(mode="after")
    def _one_address(self) -> "Target":
        if (self.url is None) == (self.host is None):
            raise ValueError("give exactly one of 'url' and 'host'")
        if self.port is not None and self.url is not None:
            raise ValueError("'port' goes with 'host'; put the port in the url instead")
        return self

    def endpoint(self) -> str:
        """The WS-Man URL; like pywinrm, the default port follows the transport (ssl → 5986)."""
        if self.url:
            return self.url
        secure = self.transport == "ssl"
        port = self.port or (5986 if secure else 5985)
        return f"{'https' if secure else 'http'}://{self.host}:{port}/wsman"


@dataclass(frozen=True)
class Targets:
    """Lab host name (case-insensitive, like Windows names) → Target; ``default_host`` is where scripts go by
    default (the file's ``default_host`` key, else its first host)."""

    file: Path
    entries: Mapping[str, Target]
    default_host: str | None = None
    file_servers: tuple[str, ...] = ()

    def name(self, host: str) -> str:
        """The host's name as the targets file spells it (``UnknownTargetError`` when it is not there)."""
        self.get(host)
        return next(name for name in self.entries if name.lower() == host.lower())

    def get(self, host: str) -> Target:
        for name, target in self.entries.items():
            if name.lower() == host.lower():
                return target
        known = ", ".join(self.entries) or "none"
        raise UnknownTargetError(host, f"not in the targets file {self.file} (known hosts: {known})")


def load_targets(path: Path | str) -> Targets:
    """Read and validate a targets file; raise ``ContentError`` with ``file:line: key.path: message`` lines."""
    path = Path(path)
    data, problems = read_mapping(path, "targets file")
    if problems:
        raise ContentError(problems)
    file = str(path)
    entries: dict[str, Target] = {}
    default_line = line_of(data, ("default_host",))
    default = data.pop("default_host", None)  # the two keys that are not hosts
    servers_line = line_of(data, ("file_servers",))
    servers = data.pop("file_servers", None) or []
    if not isinstance(servers, list) or not all(isinstance(s, str) and s for s in servers):
        problems.append(Problem(file, servers_line, "file_servers", "must be a list of computer names"))
        servers = []
    for name, value in data.items():
        if isinstance(value, dict) and "password" in value:
            problems.append(Problem(file, line_of(data, (name, "password")), f"{name}.password",
                                    "passwords never go in the targets file: put the password in an environment "
                                    "variable and give its name as password_env"))
            continue
        try:
            target = Target.model_validate(value if value is not None else {})
        except ValidationError as exc:
            problems += pydantic_problems(exc, data, file, prefix=(name,))
            continue
        if target.ca_path is not None:
            ca = target.ca_path if target.ca_path.is_absolute() else path.parent / target.ca_path
            if not ca.is_file():
                problems.append(Problem(file, line_of(data, (name, "ca_path")), f"{name}.ca_path",
                                        f"no such file: {ca}"))
                continue
            target = target.model_copy(update={"ca_path": ca})
        entries[str(name)] = target
    if default is not None and str(default).lower() not in {name.lower() for name in entries}:
        problems.append(Problem(file, default_line, "default_host",
                                f"'{default}' is not a host of this file (hosts: {', '.join(entries) or 'none'})"))
    if problems:
        raise ContentError(problems)
    return Targets(path, MappingProxyType(entries), None if default is None else str(default), tuple(servers))


@dataclass(frozen=True)
class RemoteResult:
    """What a script printed on a host: stdout, the error records as text (pywinrm-cleaned CLIXML), exit code."""

    host: str
    stdout: str
    stderr: str
    exit_code: int

    def check(self) -> "RemoteResult":
        """Self, or ``RemoteScriptError`` with the error text when the script failed."""
        if self.exit_code != 0 or self.stderr:
            detail = self.stderr.strip() or f"exit code {self.exit_code}"
            raise RemoteScriptError(self.host, f"the script failed: {detail}", self)
        return self


def _text(data: bytes) -> str:
    # Windows answers in code page 437 (pywinrm asks for it); the emulator answers in UTF-8.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp437")


class WinRMTransport:
    """Runs PowerShell on the lab hosts of a targets file with ``winrm.Session.run_ps``."""

    def __init__(self, targets: Targets, environ: Mapping[str, str] | None = None) -> None:
        self.targets = targets
        self._environ = os.environ if environ is None else environ

    def run_ps(self, host: str, script: str) -> RemoteResult:
        """Run ``script`` on ``host``; transport problems raise a ``WinRMBackendError`` subclass."""
        target = self.targets.get(host)
        units = len(script.encode("utf-16-le")) // 2
        if units > MAX_SCRIPT_CHARS:
            raise ScriptTooLongError(host, f"the script has {units} characters; WinRM runs it as an encoded "
                                     f"command line that cmd.exe caps at 8191 characters, so the limit is "
                                     f"{MAX_SCRIPT_CHARS}: shorten it or send it in parts")
        session = self._session(host, target)
        try:
            response = session.run_ps(script)
        except Exception as exc:  # mapped to the documented tree; anything unknown is re-raised as is
            raise _map_error(host, target, exc) from exc
        return RemoteResult(host, _text(response.std_out), _text(response.std_err), response.status_code)

    def _credential(self, host: str, variable: str, what: str) -> str:
        value = self._environ.get(variable)
        if not value:
            raise CredentialsMissingError(host, f"the environment variable {variable} ({what} for this host, "
                                          f"named in {self.targets.file}) is not set")
        return value

    def _session(self, host: str, target: Target) -> winrm.Session:
        extra = _EXTRAS.get(target.transport)
        if extra and not getattr(winrm.transport, extra, False):
            raise TransportUnavailableError(host, f"transport {target.transport} needs an optional package: "
                                            f"pip install pywinrm[{target.transport}]")
        user = self._credential(host, target.username_env, "the user name")
        password = self._credential(host, target.password_env, "the password")
        options = {}
        if target.ca_path is not None:
            options["ca_trust_path"] = str(target.ca_path)
        return winrm.Session(target.endpoint(), auth=(user, password), transport=target.transport,
                             server_cert_validation=target.cert_validation,
                             operation_timeout_sec=target.operation_timeout_s,
                             read_timeout_sec=target.read_timeout_s, **options)


def _map_error(host: str, target: Target, exc: Exception) -> Exception:
    """The documented exception for a pywinrm/requests failure (or ``exc`` itself when it is none of them)."""
    where = target.endpoint()
    if isinstance(exc, requests.exceptions.SSLError):
        return TLSFailureError(host, f"TLS with {where} failed ({_reason(exc)}); trust the host's CA with "
                               "ca_path, or set cert_validation: ignore for a throwaway lab")
    if isinstance(exc, requests.exceptions.Timeout):
        return TimedOutError(host, f"no answer from {where} within read_timeout_s={target.read_timeout_s} s")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return HostUnreachableError(host, f"cannot connect to {where}: {_connection_cause(exc)}")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return ProtocolError(host, f"the answer from {where} was cut short (the connection closed mid-response)")
    if isinstance(exc, winrm.exceptions.InvalidCredentialsError):
        return CredentialsRejectedError(host, f"the credentials from {target.username_env}/{target.password_env} "
                                        f"were rejected by {where} (transport {target.transport})")
    if isinstance(exc, winrm.exceptions.WinRMOperationTimeoutError):
        return TimedOutError(host, f"WinRM operation time-out ({target.operation_timeout_s} s) at {where}")
    if isinstance(exc, winrm.exceptions.WSManFaultError):
        return RemoteFaultError(host, f"WS-Management fault {exc.wsman_fault_code} from {where}: {exc.reason}",
                                wsman_code=exc.wsman_fault_code, reason=exc.reason)
    if isinstance(exc, winrm.exceptions.WinRMTransportError):
        return ProtocolError(host, f"unexpected HTTP {exc.code} from {where}")
    if isinstance(exc, winrm.exceptions.WinRMError):
        return ProtocolError(host, f"WinRM error from {where}: {exc}")
    if isinstance(exc, (StopIteration, AssertionError, SyntaxError)):  # SyntaxError: ET.ParseError
        return ProtocolError(host, f"{where} gave an answer that is not a WinRM response ({type(exc).__name__})")
    return exc


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed", "WRONG_VERSION_NUMBER",
                   "hostname mismatch", "self-signed certificate", "unable to get local issuer certificate"):
        if marker in text:
            start = text.find(marker)
            return text[start:].split(")")[0].split("'")[0].rstrip(" (")
    return text


def _connection_cause(exc: Exception) -> str:
    text = str(exc)
    if "NameResolution" in text or "Name or service not known" in text or "getaddrinfo" in text:
        return "the host name does not resolve (DNS)"
    if "Connection refused" in text or "ConnectionRefused" in text:
        return "connection refused (is WinRM listening on that port? on Windows: winrm quickconfig)"
    if "reset" in text.lower():
        return "the connection was reset"
    if "RemoteDisconnected" in text or "Connection aborted" in text:
        return "the host closed the connection without answering"
    return text


# A PowerShell error record as pywinrm hands it back ends with its FullyQualifiedErrorId line; the records of one
# run are separated there (a text without that line stays one record).
_RECORD_END = re.compile(r"^ *\+ FullyQualifiedErrorId[^\n]*\n?", re.MULTILINE)


def _error_texts(stderr: str) -> list[str]:
    """The error records in a script's cleaned stderr, one text each."""
    texts, start = [], 0
    for end in _RECORD_END.finditer(stderr):
        texts.append(stderr[start:end.end()].strip("\n"))
        start = end.end()
    rest = stderr[start:].strip("\n")
    return [t for t in texts + [rest] if t.strip()]


class WinRMBackend:
    """``LabBackend`` over real lab hosts (or the WinRM emulator) through ``WinRMTransport``.

    ``targets`` is a ``Targets`` or the path of a targets file; ``environ`` holds the credential variables
    (default ``os.environ``); ``logon`` is the default host of ``run`` (else the file's ``default_host``, else
    its first host). ``notes`` lists what the last ``snapshot()`` could not gather, host by host.
    """

    def __init__(self, targets: Targets | Path | str, environ: Mapping[str, str] | None = None, *,
                 logon: str | None = None) -> None:
        self.targets = targets if isinstance(targets, Targets) else load_targets(targets)
        default = logon or self.targets.default_host or next(iter(self.targets.entries), None)
        if default is None:
            raise ValueError(f"the targets file {self.targets.file} names no host")
        self.logon = self.targets.name(default)
        self.transport = WinRMTransport(self.targets, environ)
        self.notes: list[str] = []
        self._last_seen: dict[str, HostState] = {}  # each host's last answer, for when it stops answering

    def run(self, script: str, host: str | None = None) -> PSResult:
        """Run ``script`` on ``host`` (default, or ``"remote"``: the logon host — a WinRM session is already
        the remote session a management workstation would open). The result holds text only: ``output`` is
        empty, ``text`` is stdout followed by the error records as PowerShell prints them, ``errors`` their
        texts. Transport failures raise the ``WinRMBackendError`` subclasses naming the host."""
        where = self.logon if host is None or host.lower() == "remote" else self.targets.name(host)
        remote = self.transport.run_ps(where, script)
        errors = _error_texts(remote.stderr)
        text = remote.stdout + "".join(e + "\n" for e in errors)
        return PSResult(output=[], text=text, errors=errors, had_errors=bool(errors), exit_status=remote.exit_code)

    def snapshot(self) -> LabState:
        """The lab as its hosts show it: one gathering ``run_ps`` per host, all hosts at once (a real host
        takes seconds to start PowerShell), merged in targets-file order (see ``winrm_snapshot``).

        A host that does not answer (``HostUnreachableError``: shut down, unplugged) does not stop the snapshot
        while another host answers: it is named in ``notes`` and shown ``Online: False`` with the settings it
        reported last (its VMs are not listed: nothing can be asked of it), or left out when it never answered
        this backend. Clusters, AD and shares come from the hosts that answer. When no host answers, or a host
        fails in any other way, the first such failure (in targets-file order) is raised."""
        hosts = list(self.targets.entries)
        script = gather_script(hosts, self.targets.file_servers)

        def gather(host: str):
            try:
                return self.transport.run_ps(host, script)
            except HostUnreachableError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=len(hosts), thread_name_prefix="winrm-gather") as pool:
            answers = list(pool.map(gather, hosts))
        if all(isinstance(a, HostUnreachableError) for a in answers):
            raise answers[0]
        parts, notes, down = [], [], []
        for host, remote in zip(hosts, answers):
            if isinstance(remote, HostUnreachableError):
                down.append(host)
                continue
            try:
                parts.append(parse_part(host, remote.stdout))
            except GatherError as exc:
                detail = remote.stderr.strip() or str(exc)
                raise RemoteScriptError(host, f"the gathering script failed: {detail}", remote) from None
            if remote.stderr.strip():
                notes.append(f"{host}: the gathering script reported errors: {remote.stderr.strip()}")
        state, merged_notes = merge(parts)
        for h in state.Hosts:
            self._last_seen[h.Name.lower()] = h
        offline = []
        for host, error in ((h, a) for h, a in zip(hosts, answers) if isinstance(a, HostUnreachableError)):
            last = self._last_seen.get(host.lower())
            if last is not None:
                offline.append(last.model_copy(update={"Online": False}))
                notes.append(f"{host}: unreachable ({error}); shown Online: False with the settings it reported "
                             f"last, without its VMs")
            else:
                notes.append(f"{host}: unreachable ({error}); it never answered, so it is not in the snapshot")
        if offline:
            state = state.model_copy(update={"Hosts": sorted([*state.Hosts, *offline], key=lambda h: h.Name)})
        self.notes = merged_notes + notes
        return state
