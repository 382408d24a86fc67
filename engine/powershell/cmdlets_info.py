"""Core discovery and job cmdlets: Get-Command, Get-Help, Get-Member, Get-Job, Wait-Job, Receive-Job,
Remove-Job."""
from __future__ import annotations

from engine.powershell.convert import full_type_name, to_string, type_names
from engine.powershell.jobs import Job
from engine.powershell.objects import PSCUSTOMOBJECT, PSObject, adapt
from engine.powershell.operators import wildcard
from engine.powershell.registry import Cmdlet, CmdletImpl, Param, ParameterInfo

_NS = "Microsoft.PowerShell.Commands."
_JOB = "System.Management.Automation.Job"
_STATES = ("NotStarted", "Running", "Completed", "Failed", "Stopped", "Blocked", "Suspended", "Disconnected",
           "Suspending", "Stopping")
COMMAND_INFO = "System.Management.Automation.CommandInfo"
MEMBER_DEFINITION = "Microsoft.PowerShell.Commands.MemberDefinition"


# ------------------------------------------------------------------------------------------------- help
def _type_text(p: ParameterInfo) -> str:
    if p.element == "enum":
        return "{" + " | ".join(p.values) + "}"
    short = p.dotnet_type.rsplit(".", 1)[-1]
    return f"<{short}>"


def syntax_lines(cmdlet: Cmdlet) -> list[str]:
    """One syntax line per parameter set (default set first), as Get-Help generates them."""
    if cmdlet.syntax:
        return cmdlet.syntax.strip().split("\n")
    ordered_sets = [cmdlet.default_set] + [s for s in cmdlet.set_names if s != cmdlet.default_set]
    lines = []
    for set_name in ordered_sets:
        members = [(p, p.attrs(set_name)) for p in cmdlet.parameters.values() if p.attrs(set_name) is not None]
        positional = sorted((m for m in members if m[1].position is not None), key=lambda m: m[1].position)
        named = [m for m in members if m[1].position is None]
        parts = []
        for p, attrs in positional + named:
            if p.element == "switch":
                parts.append(f"-{p.name}" if attrs.mandatory else f"[-{p.name}]")
                continue
            name = f"[-{p.name}]" if attrs.position is not None else f"-{p.name}"
            text = f"{name} {_type_text(p)}"
            parts.append(text if attrs.mandatory else f"[{text}]")
        if cmdlet.supports_should_process:
            parts += ["[-WhatIf]", "[-Confirm]"]
        lines.append(" ".join([cmdlet.name] + parts + ["[<CommonParameters>]"]))
    return lines


def help_text(cmdlet: Cmdlet, aliases: list[str]) -> str:
    """Get-Help's text for a cmdlet."""
    syntax = "\n\n".join("    " + line for line in syntax_lines(cmdlet))
    lines = ["", "NAME", f"    {cmdlet.name}", ""]
    if cmdlet.synopsis:
        lines += ["SYNOPSIS", f"    {cmdlet.synopsis}", "", ""]
    lines += ["SYNTAX", syntax, "", "", "ALIASES", "    " + ("\n    ".join(aliases) if aliases else "None"), "", "",
              "REMARKS",
              f'    To see the examples, type: "get-help {cmdlet.name} -examples".',
              f'    For more information, type: "get-help {cmdlet.name} -detailed".',
              f'    For technical information, type: "get-help {cmdlet.name} -full".', ""]
    return "\n".join(lines)


def _get_help(ctx, params):
    name = params.get("Name")
    registry = ctx.registry
    if not name:
        ctx.write_output(help_text(registry.resolve("Get-Help"), ["help", "man"]))
        return
    cmdlet = registry.resolve(name)
    if cmdlet is None:
        ctx.write_error(f"Get-Help could not find {name} in a help file in this session. To download updated help "
                        'topics type: "Update-Help". To get help online, search for the help topic in the TechNet '
                        "library at http://go.microsoft.com/fwlink/?LinkID=107116.", error_id="HelpNotFound",
                        category="ResourceUnavailable", reason="HelpNotFoundException", target=name)
        return
    aliases = sorted(a for a, target in registry.aliases().items() if target.lower() == cmdlet.name.lower())
    ctx.write_output(help_text(cmdlet, aliases))


# ---------------------------------------------------------------------------------------------- commands
def _command_info(cmdlet: Cmdlet) -> PSObject:
    verb, _, noun = cmdlet.name.partition("-")
    return PSObject([("CommandType", "Cmdlet"), ("Name", cmdlet.name), ("DisplayName", cmdlet.name),
                     ("ModuleName", cmdlet.module), ("Verb", verb), ("Noun", noun),
                     ("DefaultParameterSet", cmdlet.default_set), ("Definition", "\n".join(syntax_lines(cmdlet)))],
                    ["System.Management.Automation.CmdletInfo", COMMAND_INFO], mutable=False, display=cmdlet.name)


def _alias_info(alias: str, cmdlet: Cmdlet) -> PSObject:
    return PSObject([("CommandType", "Alias"), ("Name", alias), ("DisplayName", f"{alias} -> {cmdlet.name}"),
                     ("ModuleName", ""), ("Definition", cmdlet.name)],
                    ["System.Management.Automation.AliasInfo", COMMAND_INFO], mutable=False, display=alias)


def _get_command(ctx, params):
    registry = ctx.registry
    modules = [m.lower() for m in params.get("Module") or []]
    found = []
    for pattern in params.get("Name") or ["*"]:
        rx = wildcard(pattern)
        hits = [_command_info(c) for c in registry.cmdlets() if rx.match(c.name)]
        for alias, target in sorted(registry.aliases().items()):
            cmdlet = registry.resolve(target)
            if cmdlet is not None and rx.match(alias) and (params.get("Name") or not modules):
                hits.append(_alias_info(alias, cmdlet))
        if not hits and not any(c in pattern for c in "*?["):
            ctx.write_error(f"The term '{pattern}' is not recognized as the name of a cmdlet, function, script file, "
                            "or operable program. Check the spelling of the name, or if a path was included, verify "
                            "that the path is correct and try again.", error_id="CommandNotFoundException",
                            category="ObjectNotFound", reason="CommandNotFoundException", target=pattern)
        found += [h for h in hits if not modules or h["ModuleName"].lower() in modules]
    for verb_or_noun in ("Verb", "Noun"):
        wanted = params.get(verb_or_noun)
        if wanted:
            found = [h for h in found if any(wildcard(w).match(h.get(verb_or_noun) or "") for w in wanted)]
    found.sort(key=lambda h: (h["CommandType"] != "Alias", h["Name"].lower()))
    for info in found:
        ctx.write_output(info)


# ------------------------------------------------------------------------------------------------ members
_SHORT = {"System.String": "string", "System.Int32": "int", "System.Int64": "long", "System.Boolean": "bool",
          "System.Double": "double", "System.Collections.Hashtable": "hashtable"}
_METHODS = (("Equals", "bool Equals(System.Object obj)"), ("GetHashCode", "int GetHashCode()"),
            ("GetType", "type GetType()"), ("ToString", "string ToString()"))


def _members(obj) -> list[tuple[str, str, str]]:
    """(Name, MemberType, Definition) of an object, methods first, each kind sorted by name."""
    target = adapt(obj)
    properties = []
    if isinstance(target, PSObject):
        custom = PSCUSTOMOBJECT in target.type_names
        for name, value in sorted(target.items(), key=lambda item: item[0].lower()):
            full = full_type_name(value) if value is not None else "System.Object"
            if custom:
                properties.append((name, "NoteProperty", f"{full} {name}={to_string(value)}"))
            else:
                access = "{get;set;}" if name.lower() in target.setters else "{get;}"
                properties.append((name, "Property", f"{_SHORT.get(full, full)} {name} {access}"))
    elif isinstance(obj, str):
        properties.append(("Length", "Property", "int Length {get;}"))
    return [(n, "Method", d) for n, d in _METHODS] + properties


class GetMember(CmdletImpl):
    """Get-Member: the members of each distinct input type."""

    def begin(self, ctx, params):
        self.seen: set[str] = set()

    def process(self, ctx, params):
        obj = params.get("InputObject")
        if obj is None:
            return
        type_name = type_names(obj)[0]
        if type_name in self.seen:
            return
        self.seen.add(type_name)
        patterns = [wildcard(n) for n in params.get("Name") or ["*"]]
        for name, kind, definition in _members(obj):
            if any(p.match(name) for p in patterns):
                ctx.write_output(PSObject([("TypeName", type_name), ("Name", name), ("MemberType", kind),
                                           ("Definition", definition)], [MEMBER_DEFINITION], mutable=False,
                                          display=name))


# -------------------------------------------------------------------------------------------------- jobs
def _jobs(ctx, params) -> list[Job]:
    """The jobs selected by -Job, -Id or -Name (errors for unknown ones), or all jobs."""
    table = ctx.jobs
    if "Job" in params:
        return list(params["Job"])
    if "Id" in params:
        selected = []
        for job_id in params["Id"]:
            job = table.get(job_id)
            if job is None:
                ctx.write_error(f"The command cannot find a job with the job ID {job_id}. Verify the value of the Id "
                                "parameter and then try the command again.", error_id="JobWithSpecifiedSessionNotFound",
                                category="ObjectNotFound", reason="PSArgumentException", target=job_id)
            else:
                selected.append(job)
        return selected
    if "Name" in params:
        selected = []
        for name in params["Name"]:
            hits = [j for j in table.all() if wildcard(name).match(j.name)]
            if not hits and not any(c in name for c in "*?["):
                ctx.write_error(f"The command cannot find the job because the job name {name} was not found. Verify "
                                "the value of the Name parameter, and then try the command again.",
                                error_id="JobWithSpecifiedNameNotFound", category="ObjectNotFound",
                                reason="PSArgumentException", target=name)
            selected += hits
        return selected
    return table.all()


def _get_job(ctx, params):
    for job in _jobs(ctx, params):
        job.refresh()
        if params.get("State") in (None, job.state):
            ctx.write_output(job)


class WaitJob(CmdletImpl):
    """Wait-Job: waits (on the simulated clock) for the jobs, then outputs them."""

    def begin(self, ctx, params):
        self.selected: list[Job] = []

    def process(self, ctx, params):
        self.selected += _jobs(ctx, params)

    def end(self, ctx, params):
        for job in self.selected:
            job.wait()
            ctx.write_output(job)
            if params.get("Any"):
                break


def _receive_job(ctx, params):
    for job in _jobs(ctx, params):
        if params.get("Wait"):
            job.wait()
        else:
            job.refresh()
        results, errors = job.receive(keep=bool(params.get("Keep")))
        for obj in results:
            ctx.write_output(obj)
        for record in errors:
            ctx.write_error(record)
        if params.get("Wait") and params.get("AutoRemoveJob"):
            ctx.jobs.remove(job)


def _remove_job(ctx, params):
    for job in _jobs(ctx, params):
        job.refresh()
        if not job.finished and not params.get("Force"):
            ctx.write_error(f"The command cannot remove the job with the job ID {job.id} because the job is not "
                            "finished. To remove the job, first stop the job, or use the Force parameter.",
                            error_id="JobObjectNotFinishedCannotBeRemoved", category="InvalidOperation",
                            reason="ArgumentException", target=job)
            continue
        ctx.jobs.remove(job)


def _job_parameters(*, pipeline: bool = True) -> list[Param]:
    return [Param("Job", "psobject[]", sets=["JobParameterSet"], mandatory=True, position=0, pipeline=pipeline,
                  type_name=_JOB),
            Param("Id", "int[]", sets=["SessionIdParameterSet"], mandatory=True, position=0),
            Param("Name", "string[]", sets=["NameParameterSet"], mandatory=True, position=0)]


def info_cmdlets() -> list[Cmdlet]:
    """The core discovery and job cmdlets."""
    return [
        Cmdlet("Get-Command", _NS + "GetCommandCommand", _get_command, [
            Param("Name", "string[]", position=0), Param("Module", "string[]"), Param("Verb", "string[]"),
            Param("Noun", "string[]")], aliases=["gcm"],
            synopsis="Gets all commands that are installed on the computer, including cmdlets, aliases, functions, "
                     "workflows, filters, scripts, and applications."),
        Cmdlet("Get-Help", _NS + "GetHelpCommand", _get_help, [
            Param("Name", "string", position=0), Param("Full", "switch"), Param("Detailed", "switch"),
            Param("Examples", "switch")], aliases=["help", "man"],
            synopsis="Displays information about Windows PowerShell commands and concepts."),
        Cmdlet("Get-Member", _NS + "GetMemberCommand", GetMember, [
            Param("InputObject", "object", pipeline=True), Param("Name", "string[]", position=0)],
            aliases=["gm"], module="Microsoft.PowerShell.Utility",
            synopsis="Gets the properties and methods of objects."),
        Cmdlet("Get-Job", _NS + "GetJobCommand", _get_job, [
            Param("Id", "int[]", sets=["SessionIdParameterSet"], position=0),
            Param("Name", "string[]", sets=["NameParameterSet"], mandatory=True, position=0),
            Param("State", "enum", sets=["StateParameterSet"], mandatory=True, values=_STATES,
                  type_name="System.Management.Automation.JobState")],
            aliases=["gjb"], synopsis="Gets Windows PowerShell background jobs that are running in the current "
                                      "session."),
        Cmdlet("Wait-Job", _NS + "WaitJobCommand", WaitJob, _job_parameters() + [
            Param("Any", "switch"), Param("Timeout", "int"), Param("Force", "switch")],
            default_set="SessionIdParameterSet", aliases=["wjb"],
            synopsis="Suppresses the command prompt until one or all of the Windows PowerShell background jobs "
                     "running in the session are complete."),
        Cmdlet("Receive-Job", _NS + "ReceiveJobCommand", _receive_job, _job_parameters() + [
            Param("Keep", "switch"), Param("Wait", "switch"), Param("AutoRemoveJob", "switch")],
            default_set="JobParameterSet", aliases=["rcjb"],
            synopsis="Gets the results of the Windows PowerShell background jobs in the current session."),
        Cmdlet("Remove-Job", _NS + "RemoveJobCommand", _remove_job, _job_parameters() + [Param("Force", "switch")],
               default_set="SessionIdParameterSet", aliases=["rjb"],
               synopsis="Deletes a Windows PowerShell background job."),
    ]
