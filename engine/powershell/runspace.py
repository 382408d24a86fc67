"""The public entry point: a Runspace runs scripts like one PowerShell console session.

    rs = Runspace(registry, {"lab": lab, "computer": "HV1"})
    result = rs.run("Get-VM | Where-Object State -eq Running")
    result.output      # the objects
    result.text        # what the console would print (formatted output and error records, in order)

Variables and jobs persist between runs. Nothing raises out of ``run``: every failure, including a defect in
a cmdlet implementation, comes back as an error record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.powershell.core import default_registry
from engine.powershell.errors import ErrorRecord, ParseError, PSError, StepBudgetExceeded
from engine.powershell.format import render
from engine.powershell.interpreter import BreakSignal, ContinueSignal, ExitSignal, Interpreter, ReturnSignal
from engine.powershell.jobs import JobTable
from engine.powershell.objects import Hashtable
from engine.powershell.parser import parse
from engine.powershell.registry import Registry

DEFAULT_STEP_BUDGET = 1_000_000
_MAX_ERRORS = 256  # $MaximumErrorCount


@dataclass
class PSResult:
    """The outcome of one ``Runspace.run``."""

    output: list = field(default_factory=list)
    text: str = ""
    errors: list[ErrorRecord] = field(default_factory=list)
    had_errors: bool = False
    exit_status: int = 0


class Session:
    """The state a console session keeps between commands: variables, $Error, jobs, services."""

    def __init__(self, registry: Registry, services: dict) -> None:
        self.registry, self.services = registry, services
        self.env = {str(k).lower(): str(v) for k, v in (services.get("env") or {}).items()}
        self.jobs = JobTable()
        self.error_list: list[ErrorRecord] = []
        self.last_success = True
        self.variables: dict[str, Any] = {
            "erroractionpreference": "Continue", "warningpreference": "Continue",
            "verbosepreference": "SilentlyContinue",
            "psversiontable": Hashtable([("PSVersion", "4.0"), ("WSManStackVersion", "3.0"),
                                         ("SerializationVersion", "1.1.0.1"), ("CLRVersion", "4.0.30319.34014"),
                                         ("BuildVersion", "6.3.9600.16406"), ("PSCompatibleVersions",
                                                                              ["1.0", "2.0", "3.0", "4.0"]),
                                         ("PSRemotingProtocolVersion", "2.2")])}


class Runspace:
    """A console session over a registry of cmdlets and the caller's services (e.g. the lab)."""

    def __init__(self, registry: Registry | None = None, services: dict | None = None, *,
                 step_budget: int = DEFAULT_STEP_BUDGET) -> None:
        self.registry = registry if registry is not None else default_registry()
        self.session = Session(self.registry, dict(services or {}))
        self.step_budget = step_budget

    @property
    def variables(self) -> dict[str, Any]:
        """The session's variables (lower-case names)."""
        return self.session.variables

    @property
    def jobs(self) -> JobTable:
        """The session's jobs."""
        return self.session.jobs

    def run(self, script: str) -> PSResult:
        """Run a script; never raises (failures are error records in the result)."""
        events: list[tuple[str, Any]] = []
        exit_status = None
        try:
            tree = parse(script)
        except ParseError as e:
            self._remember(e.record)
            events.append(("err", e.record))
            return self._result(events, None)
        interp = Interpreter(self.session, script, self.step_budget, events)
        try:
            interp.run_block(tree, lambda obj: events.append(("out", obj)))
        except (PSError, StepBudgetExceeded) as e:
            interp.report(e.record)
        except (BreakSignal, ContinueSignal, ReturnSignal):
            pass
        except ExitSignal as e:
            exit_status = e.code
        except RecursionError:
            interp.report(ErrorRecord(message="The script failed due to call depth overflow.",
                                      fqid="CallDepthOverflow", category="InvalidOperation",
                                      reason="ParentContainsErrorRecordException", target_name="0",
                                      target_type="Int32"))
        except Exception as e:  # a defect must not escape the console
            interp.report(ErrorRecord(message=f"{type(e).__name__}: {e}", fqid="InternalError",
                                      reason=type(e).__name__))
        return self._result(events, exit_status)

    def _remember(self, record: ErrorRecord) -> None:
        self.session.error_list.insert(0, record)
        self.session.last_success = False

    def _result(self, events: list, exit_status: int | None) -> PSResult:
        del self.session.error_list[_MAX_ERRORS:]
        errors = [payload for kind, payload in events if kind == "err"]
        output = [payload for kind, payload in events if kind == "out"]
        try:
            text = render(events, self.registry.views)
        except Exception as e:  # a broken view function must not lose the run's results
            text = f"{type(e).__name__}: {e}\n"
        status = exit_status if exit_status is not None else (1 if errors else 0)
        return PSResult(output=output, text=text, errors=errors, had_errors=bool(errors), exit_status=status)
