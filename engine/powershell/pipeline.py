"""Running pipelines: command lookup, binding every command before any runs, then begin/process/end with
objects streaming from each command to the next; and CommandContext, what a cmdlet implementation sees.
"""
from __future__ import annotations

from typing import Any, Callable, NoReturn

from engine.errors import LabError
from engine.powershell import ast
from engine.powershell.binding import Binder, BindingError, Bound, Element
from engine.powershell.convert import short_type_name, to_string
from engine.powershell.errors import ErrorRecord, Extent, PSError, StepBudgetExceeded
from engine.powershell.jobs import Job
from engine.powershell.objects import Hashtable, ScriptBlock
from engine.powershell.registry import Cmdlet

NO_INPUT = object()  # process() without a pipeline object (the command is first in its pipeline)
_CONTROL = (PSError, StepBudgetExceeded)


def not_recognized(name: str, extent: Extent) -> PSError:
    """The error for an unknown command name."""
    return PSError(ErrorRecord(
        message=f"The term '{name}' is not recognized as the name of a cmdlet, function, script file, or operable "
                "program. Check the spelling of the name, or if a path was included, verify that the path is correct "
                "and try again.", fqid="CommandNotFoundException", category="ObjectNotFound",
        reason="CommandNotFoundException", target_name=name, target_type="String", invocation_name=name,
        extent=extent, target_object=name))


class CommandContext:
    """The services and streams of one command invocation, handed to the cmdlet implementation.

    ``services`` is the dict the runspace was created with (e.g. the lab and the current computer name).
    """

    def __init__(self, proc: CommandProcessor) -> None:
        self._proc = proc
        self.parameter_set = ""
        self.current_input: Any = None

    @property
    def services(self) -> dict:
        """The runspace services given by the caller."""
        return self._proc.interp.session.services

    @property
    def command_name(self) -> str:
        """The cmdlet's name."""
        return self._proc.cmdlet.name

    @property
    def jobs(self):
        """The runspace's JobTable."""
        return self._proc.interp.session.jobs

    @property
    def registry(self):
        """The runspace's command Registry (its ``views`` format output)."""
        return self._proc.interp.session.registry

    @property
    def script_text(self) -> str:
        """The source text of the running script."""
        return self._proc.interp.source

    @property
    def as_job(self) -> bool:
        """Whether -AsJob was given."""
        return bool(self._proc.bound.params.get("AsJob"))

    @property
    def whatif(self) -> bool:
        """Whether -WhatIf was given."""
        return bool(self._proc.bound.common.get("WhatIf"))

    @property
    def command_text(self) -> str:
        """The command as written in the script (what Get-Job shows as Command)."""
        node = self._proc.node
        return self._proc.interp.source[node.start:node.end]

    def write_output(self, obj: Any, *, enumerate: bool = False) -> None:
        """Send an object down the pipeline (a list is one object unless ``enumerate``)."""
        if enumerate and isinstance(obj, list):
            for item in obj:
                self._proc.downstream(item)
        else:
            self._proc.downstream(obj)

    def error_record(self, error: LabError | ErrorRecord | str, *, error_id: str = "", category: str = "NotSpecified",
                     reason: str = "", target: Any = None) -> ErrorRecord:
        """An error record of this command: from a LabError, or from a message plus id/category/reason/target."""
        proc = self._proc
        if isinstance(error, ErrorRecord):
            return error
        common = dict(activity=proc.cmdlet.name, invocation_name=proc.invocation_name, extent=proc.extent)
        if isinstance(error, LabError):
            return ErrorRecord(message=error.message, fqid=",".join(filter(None, (error.error_code, proc.cmdlet.command_class))),
                               category=error.category, reason=error.exception_type, target_name=error.target,
                               target_type=error.details.get("target_type", "String") if error.target else "",
                               target_object=error.target or None, lab_error=error, **common)
        target_name = to_string(target) if target is not None else ""
        return ErrorRecord(message=error, fqid=f"{error_id},{proc.cmdlet.command_class}", category=category,
                           reason=reason or "Exception", target_name=target_name,
                           target_type=short_type_name(target) if target is not None else "", target_object=target,
                           **common)

    def write_error(self, error: LabError | ErrorRecord | str, **details: Any) -> None:
        """A non-terminating error (what -ErrorAction decides about); see ``error_record`` for ``details``."""
        self._proc.write_error(self.error_record(error, **details))

    def throw(self, error: LabError | ErrorRecord | str, **details: Any) -> NoReturn:
        """A terminating error: the statement stops."""
        raise PSError(self.error_record(error, **details))

    def write_warning(self, text: str) -> None:
        """``WARNING: text`` on the console unless -WarningAction (or $WarningPreference) silences it."""
        action = self._proc.bound.common.get("WarningAction") or self._proc.interp.preference("WarningPreference")
        if str(action) not in ("SilentlyContinue", "Ignore"):
            self._proc.interp.host(f"WARNING: {text}")

    def write_verbose(self, text: str) -> None:
        """``VERBOSE: text`` on the console with -Verbose (or $VerbosePreference = 'Continue')."""
        verbose = self._proc.bound.common.get("Verbose")
        if verbose or (verbose is None and str(self._proc.interp.preference("VerbosePreference")) == "Continue"):
            self._proc.interp.host(f"VERBOSE: {text}")

    def write_host(self, text: str) -> None:
        """Text straight to the console (not to the pipeline)."""
        self._proc.interp.host(text)

    def should_process(self, target: str, action: str | None = None) -> bool:
        """False under -WhatIf (after printing PowerShell 4's "What if:" line); -Confirm is taken as yes."""
        if self.whatif:
            self._proc.interp.host(f'What if: Performing operation "{action or self.command_name}" on Target '
                                   f'"{target}".')
            return False
        return True

    def run_job(self, job: Job) -> Job:
        """With -AsJob: register the job and output it. Without: wait for it and output its results/errors."""
        job.make_record = self.error_record
        if not job.command:
            job.command = self.command_text
        if self.as_job:
            self.jobs.add(job)
            self.write_output(job)
            return job
        job.wait()
        results, errors = job.receive()
        for obj in results:
            self.write_output(obj)
        for record in errors:
            self._proc.write_error(record)
        return job

    def invoke(self, block: ScriptBlock, input_obj: Any = NO_INPUT, args: list | None = None) -> list:
        """Run a script block (``$_`` = ``input_obj``) and return its output."""
        return self._proc.interp.invoke_block(block, input_obj, args or [])


class CommandProcessor:
    """One command of a pipeline: bound once from its arguments, then fed pipeline objects."""

    def __init__(self, interp, node: ast.Command, cmdlet: Cmdlet, expects_input: bool, elements: list[Element]):
        self.interp, self.node, self.cmdlet = interp, node, cmdlet
        self.invocation_name = node.name or cmdlet.name
        self.extent = Extent(interp.source, node.start, node.end)
        self.downstream: Callable[[Any], None] = lambda obj: None
        self.binder = Binder(cmdlet, expects_input)
        try:
            self.bound: Bound = self.binder.bind_arguments(elements)
        except BindingError as e:
            raise PSError(self.binding_record(e)) from None
        self.error_action = self.bound.common.get("ErrorAction") or interp.preference("ErrorActionPreference")
        self.impl = cmdlet.new_implementation()
        self.ctx = CommandContext(self)

    def binding_record(self, e: BindingError) -> ErrorRecord:
        """The error record of a binding failure, pointing where PowerShell points."""
        extent = self.extent
        if e.where in ("param", "arg") and e.extent is not None:
            extent = Extent(self.interp.source, *e.extent)
        target = e.target
        return ErrorRecord(message=e.message, fqid=f"{e.error_id},{self.cmdlet.command_class}", category=e.category,
                           reason=e.reason, activity=self.cmdlet.name, invocation_name=self.invocation_name,
                           extent=extent, target_object=target,
                           target_name=to_string(target) if target is not None else "",
                           target_type=short_type_name(target) if target is not None else "")

    def write_error(self, record: ErrorRecord) -> None:
        """Route a non-terminating error by the effective ErrorAction."""
        action = str(self.error_action)
        variable = self.bound.common.get("ErrorVariable")
        if variable:
            self.interp.append_variable(variable, record)
        if action == "Stop":
            raise PSError(record, "script")
        self.interp.failures += 1
        if action == "Ignore":
            return
        if action == "SilentlyContinue":
            self.interp.session.error_list.insert(0, record)
            return
        self.interp.report(record)

    def begin(self) -> None:
        """BeginProcessing."""
        self._call(self.impl.begin, self.bound.params)

    def process(self, obj: Any = NO_INPUT) -> None:
        """ProcessRecord, for one pipeline object (or once without input)."""
        self.interp.tick()
        if obj is NO_INPUT:
            params, self.ctx.parameter_set = self.bound.params, self.bound.set_name or self.cmdlet.default_set
        else:
            try:
                params, self.ctx.parameter_set = self.binder.bind_input(self.bound, obj)
            except BindingError as e:
                self.write_error(self.binding_record(e))
                return
        self.ctx.current_input = None if obj is NO_INPUT else obj
        self._call(self.impl.process, params)

    def end(self) -> None:
        """EndProcessing."""
        self._call(self.impl.end, self.bound.params)

    def _call(self, method, params: dict) -> None:
        try:
            method(self.ctx, params)
        except _CONTROL:
            raise
        except LabError as e:
            self.write_error(self.ctx.error_record(e))
        except RecursionError:
            raise
        except Exception as e:  # a defect in a cmdlet must not escape the console: show it as PowerShell would
            self.write_error(self.ctx.error_record(f"{type(e).__name__}: {e}", error_id="UnhandledException",
                                                   reason=type(e).__name__))


class ScriptBlockProcessor:
    """``& { … }`` in a pipeline: the block runs once, or once per input object with ``$_`` set."""

    def __init__(self, interp, block: ScriptBlock) -> None:
        self.interp, self.block = interp, block
        self.downstream: Callable[[Any], None] = lambda obj: None

    def begin(self) -> None:
        """Nothing to prepare."""

    def process(self, obj: Any = NO_INPUT) -> None:
        """Run the block for this object."""
        for out in self.interp.invoke_block(self.block, obj, []):
            self.downstream(out)

    def end(self) -> None:
        """Nothing to finish."""


def _elements(interp, node: ast.Command) -> list[Element]:
    out = []
    for el in node.elements:
        if isinstance(el, ast.Splat):
            value = interp.get_variable(el.variable)
            extent = (el.start, el.end)
            if isinstance(value, Hashtable):
                out += [Element("param", to_string(k), v, True, extent, extent) for k, v in value.items()]
            else:
                out += [Element("arg", value=v, extent=extent) for v in (value if isinstance(value, list) else
                                                                         [] if value is None else [value])]
        elif isinstance(el, ast.CommandParameter):
            value = interp.eval(el.argument) if el.argument is not None else None
            value_extent = (el.argument.start, el.argument.end) if el.argument is not None else None
            out.append(Element("param", el.name, value, el.colon, (el.start, el.end), value_extent))
        else:
            out.append(Element("arg", value=interp.eval(el.value), extent=(el.start, el.end)))
    return out


def make_processor(interp, node: ast.Command, expects_input: bool):
    """Resolve and bind one command (raises PSError for unknown commands and binding errors)."""
    name = node.name
    if node.name_expr is not None:
        target = interp.eval(node.name_expr)
        if isinstance(target, ScriptBlock):
            return ScriptBlockProcessor(interp, target)
        name = to_string(target)
    cmdlet = interp.session.registry.resolve(name)
    if cmdlet is None:
        raise not_recognized(name, Extent(interp.source, *node.name_extent))
    return CommandProcessor(interp, node, cmdlet, expects_input, _elements(interp, node))


def run_pipeline(interp, node: ast.Pipeline, sink: Callable[[Any], None]) -> None:
    """Run ``a | b | c``: bind all commands, begin them, stream objects through, end them in order."""
    head = node.elements[0]
    expression_head = not isinstance(head, ast.Command)
    commands = node.elements[1:] if expression_head else node.elements
    procs = [make_processor(interp, cmd, expression_head or i > 0) for i, cmd in enumerate(commands)]
    for i, proc in enumerate(procs):
        proc.downstream = procs[i + 1].process if i + 1 < len(procs) else sink
    for proc in reversed(procs):
        proc.begin()
    if expression_head:
        value = interp.eval(head)
        feed = procs[0].process if procs else sink
        if value is interp.VOID:
            pass
        elif isinstance(value, list):
            for item in value:
                feed(item)
        else:
            feed(value)
    else:
        procs[0].process()
    for proc in procs:
        proc.end()
