"""Core output cmdlets: Format-Table, Format-List, Out-String, Out-Null, Out-Default, Write-Output,
Write-Host, Write-Error, Write-Warning, Write-Verbose, ConvertTo-Json."""
from __future__ import annotations

from engine.powershell.cmdlets_objects import property_columns
from engine.powershell.convert import short_type_name, to_string
from engine.powershell.errors import ErrorRecord
from engine.powershell.format import FormatOutput, default_columns, format_list, format_table, render
from engine.powershell.jsonfmt import to_json
from engine.powershell.objects import PSObject, adapt
from engine.powershell.registry import Cmdlet, CmdletImpl, Param
from engine.powershell.views import Column

_NS = "Microsoft.PowerShell.Commands."
_COLORS = ("Black", "DarkBlue", "DarkGreen", "DarkCyan", "DarkRed", "DarkMagenta", "DarkYellow", "Gray", "DarkGray",
           "Blue", "Green", "Cyan", "Red", "Magenta", "Yellow", "White")
_CATEGORIES = ("NotSpecified", "OpenError", "CloseError", "DeviceError", "DeadlockDetected", "InvalidArgument",
               "InvalidData", "InvalidOperation", "InvalidResult", "InvalidType", "MetadataError", "NotImplemented",
               "NotInstalled", "ObjectNotFound", "OperationStopped", "OperationTimeout", "SyntaxError", "ParserError",
               "PermissionDenied", "ResourceBusy", "ResourceExists", "ResourceUnavailable", "ReadError", "WriteError",
               "FromStdErr", "SecurityError", "ProtocolError", "ConnectionError", "AuthenticationError",
               "LimitsExceeded", "QuotaExceeded", "NotEnabled")


class _Collect(CmdletImpl):
    """Collects the pipeline objects; subclasses act in ``end``."""

    skip_null = False  # the formatters ignore $null input: `$null | Format-Table X` prints nothing at all

    def begin(self, ctx, params):
        self.items = []

    def process(self, ctx, params):
        if "InputObject" in params and not (self.skip_null and params["InputObject"] is None):
            self.items.append(params["InputObject"])


class FormatTable(_Collect):
    """Format-Table [-Property …] [-AutoSize] [-HideTableHeaders] (columns always fit their content)."""

    skip_null = True

    def end(self, ctx, params):
        if not self.items:
            return
        specs = params.get("Property")
        columns = property_columns(ctx, specs, self.items[0]) if specs else None
        lines = format_table(self.items, ctx.registry.views, columns, bool(params.get("HideTableHeaders")))
        ctx.write_output(FormatOutput(lines))


class FormatList(_Collect):
    """Format-List [-Property …]; ``*`` lists every property."""

    skip_null = True

    def end(self, ctx, params):
        specs = params.get("Property")
        views = ctx.registry.views

        def columns(obj):
            if specs:
                return property_columns(ctx, specs, obj)
            view = views.list_for(_names(obj))
            if view is not None:
                return list(view.items)
            return default_columns(obj, views)[1] if views.table_for(_names(obj)) is None else _all(obj)
        lines = format_list(self.items, views, columns)
        if lines:
            ctx.write_output(FormatOutput(lines))


def _names(obj) -> list[str]:
    target = adapt(obj)
    return target.type_names if isinstance(target, PSObject) else []


def _all(obj) -> list[Column]:
    target = adapt(obj)
    return [Column(n) for n in target.names()] if isinstance(target, PSObject) else [Column("", lambda o: o)]


class OutString(_Collect):
    """Out-String [-Stream]: the console text of the input."""

    def end(self, ctx, params):
        text = render([("out", item) for item in self.items], ctx.registry.views)
        if params.get("Stream"):
            for line in text.split("\n")[:-1]:
                ctx.write_output(line)
        else:
            ctx.write_output(text)


class OutDefault(_Collect):
    """Out-Default: the input straight to the console."""

    skip_null = True

    def end(self, ctx, params):
        text = render([("out", item) for item in self.items], ctx.registry.views)
        if text:
            ctx.write_host(text[:-1])


def _write_output(ctx, params):
    value = params.get("InputObject")
    ctx.write_output(value, enumerate=isinstance(value, list))


def _write_host(ctx, params):
    value = params.get("Object")
    items = value if isinstance(value, list) else ([] if value is None else [value])
    separator = to_string(params.get("Separator", " "))
    ctx.write_host(separator.join(" ".join(to_string(v) for v in i) if isinstance(i, list) else to_string(i)
                                  for i in items))


def _write_error(ctx, params):
    if "ErrorRecord" in params:
        ctx.write_error(params["ErrorRecord"])
        return
    # the console names the script block that called Write-Error, not the cmdlet, and shows no position
    target = params.get("TargetObject")
    record = ErrorRecord(message=params.get("Message", ""),
                         fqid=params.get("ErrorId") or _NS + "WriteErrorException",
                         category=params.get("Category", "NotSpecified"), reason="WriteErrorException",
                         activity="Write-Error", header=f"{ctx.script_text.strip()} : ", target_object=target,
                         target_name=to_string(target) if target is not None else "",
                         target_type=short_type_name(target) if target is not None else "")
    ctx.write_error(record)


def _write_warning(ctx, params):
    ctx.write_warning(params["Message"])


def _write_verbose(ctx, params):
    ctx.write_verbose(params["Message"])


class ConvertToJson(_Collect):
    """ConvertTo-Json [-Depth n] [-Compress], PowerShell 4's layout."""

    def end(self, ctx, params):
        if not self.items:
            return
        value = self.items[0] if len(self.items) == 1 else self.items
        ctx.write_output(to_json(value, params.get("Depth", 2), bool(params.get("Compress"))))


def output_cmdlets() -> list[Cmdlet]:
    """The core output cmdlets."""
    pipe = Param("InputObject", "object", pipeline=True)
    return [
        Cmdlet("Format-Table", _NS + "FormatTableCommand", FormatTable, [
            Param("Property", "object[]", position=0), Param("AutoSize", "switch"), Param("HideTableHeaders", "switch"),
            Param("Wrap", "switch"), pipe], aliases=["ft"], module="Microsoft.PowerShell.Utility",
            synopsis="Formats the output as a table."),
        Cmdlet("Format-List", _NS + "FormatListCommand", FormatList, [Param("Property", "object[]", position=0), pipe],
               aliases=["fl"], module="Microsoft.PowerShell.Utility",
               synopsis="Formats the output as a list of properties in which each property appears on a new line."),
        Cmdlet("Out-String", _NS + "OutStringCommand", OutString, [
            Param("Stream", "switch"), Param("Width", "int"), pipe], module="Microsoft.PowerShell.Utility",
            synopsis="Sends objects to the host as a series of strings."),
        Cmdlet("Out-Null", _NS + "OutNullCommand", lambda ctx, params: None, [pipe],
               synopsis="Deletes output instead of sending it down the pipeline."),
        Cmdlet("Out-Default", _NS + "OutDefaultCommand", OutDefault, [pipe],
               synopsis="Sends the output to the default formatter and to the default output cmdlet."),
        Cmdlet("Write-Output", _NS + "WriteOutputCommand", _write_output, [
            Param("InputObject", "object[]", position=0, pipeline=True, remaining=True)],
            aliases=["echo", "write"], module="Microsoft.PowerShell.Utility",
            synopsis="Sends the specified objects to the next command in the pipeline."),
        Cmdlet("Write-Host", _NS + "WriteHostCommand", _write_host, [
            Param("Object", "object", position=0, pipeline=True, remaining=True), Param("NoNewline", "switch"),
            Param("Separator", "object"), Param("ForegroundColor", "enum", values=_COLORS,
                                                type_name="System.ConsoleColor"),
            Param("BackgroundColor", "enum", values=_COLORS, type_name="System.ConsoleColor")],
            module="Microsoft.PowerShell.Utility", synopsis="Writes customized output to a host."),
        Cmdlet("Write-Error", _NS + "WriteErrorCommand", _write_error, [
            Param("Message", "string", sets=["NoException"], mandatory=True, position=0, pipeline=True),
            Param("ErrorRecord", "psobject", sets=["ErrorRecord"], mandatory=True,
                  type_name="System.Management.Automation.ErrorRecord"),
            Param("ErrorId", "string", sets=["NoException"]),
            Param("Category", "enum", sets=["NoException"], values=_CATEGORIES,
                  type_name="System.Management.Automation.ErrorCategory"),
            Param("TargetObject", "object", sets=["NoException"])],
            module="Microsoft.PowerShell.Utility", synopsis="Writes an object to the error stream."),
        Cmdlet("Write-Warning", _NS + "WriteWarningCommand", _write_warning, [
            Param("Message", "string", mandatory=True, position=0, pipeline=True)],
            module="Microsoft.PowerShell.Utility", synopsis="Writes a warning message."),
        Cmdlet("Write-Verbose", _NS + "WriteVerboseCommand", _write_verbose, [
            Param("Message", "string", mandatory=True, position=0, pipeline=True)],
            module="Microsoft.PowerShell.Utility", synopsis="Writes text to the verbose message stream."),
        Cmdlet("ConvertTo-Json", _NS + "ConvertToJsonCommand", ConvertToJson, [
            Param("InputObject", "object", position=0, pipeline=True), Param("Depth", "int"),
            Param("Compress", "switch")], module="Microsoft.PowerShell.Utility",
            synopsis="Converts an object to a JSON-formatted string."),
    ]
