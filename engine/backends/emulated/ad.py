"""Active Directory cmdlets over the emulated lab: computer accounts and constrained delegation.

Get-ADComputer shows a host's computer account, or those an -Filter selects (``-Properties
msDS-AllowedToDelegateTo`` adds the SPNs each may delegate to); Set-ADComputer and Set-ADObject change that
attribute with ``-Add``/``-Remove``/``-Replace``/``-Clear`` (applied in that order, as the AD module documents)
through the lab's delegation operations. The lab models no other attribute: changing one prints a warning and
leaves it alone.
"""
from __future__ import annotations

import re
import uuid
from typing import Any

from engine.backends.emulated.context import attempt, caller_of, lab_of, names
from engine.powershell.convert import to_string
from engine.powershell.objects import Hashtable, PSObject
from engine.powershell.operators import comparison
from engine.powershell.registry import Cmdlet, Param, Registry

NS = "Microsoft.ActiveDirectory.Management"
COMPUTER, OBJECT = f"{NS}.ADComputer", f"{NS}.ADObject"
DELEGATION = "msDS-AllowedToDelegateTo"
#: Namespace of the accounts' deterministic ObjectGUIDs, so two runs show the same values.
_GUIDS = uuid.UUID("0e5bd1c7-52f3-4bb4-a5a2-70412ad00000")
_CLAUSE = re.compile(r"""^([\w-]+)\s+-(\w+)\s+(?:'([^']*)'|"([^"]*)"|(\S+))$""")
_DOMAIN_SID = "S-1-5-21-3623811015-3361044348-30300820"


def _name_of(identity: Any) -> str:
    """The account name an -Identity names: an AD object, a DN (``CN=HV1,…``), ``HV1$`` or ``HV1``."""
    if isinstance(identity, PSObject):
        return identity["Name"]
    text = to_string(identity).strip()
    if text.upper().startswith("CN="):
        return text[3:].split(",", 1)[0]
    return text.rstrip("$")


def _guid(name: str) -> str:
    return str(uuid.uuid5(_GUIDS, name.upper()))


def _lookup(ctx, identity: Any) -> str | None:
    """The account name of the identity, or None after writing the lab's not-found error."""
    name = _name_of(identity)
    lab = lab_of(ctx)
    # A GUID names the account whose ObjectGUID it is (what Get-ADComputer showed).
    name = next((h.name for h in lab.world.hosts if _guid(h.name) == name.strip("{}").lower()), name)
    if attempt(ctx, lab.delegation_of, name) is None:  # the lab's lookup of the computer account
        return None
    return lab.world.host(name).name


def _dn(ctx, name: str) -> str:
    domain = lab_of(ctx).world.host(name).domain or ""
    return f"CN={name},CN=Computers," + ",".join(f"DC={part}" for part in domain.split("."))


def computer_object(ctx, name: str, properties: list[str]) -> PSObject:
    """An ADComputer with the default property set, plus msDS-AllowedToDelegateTo when asked for (or ``*``)."""
    lab = lab_of(ctx)
    state = next(c for c in lab.snapshot().ADComputers if c.Name == name)
    index = [h.name for h in lab.world.hosts].index(name)
    props = [("DistinguishedName", _dn(ctx, name)), ("DNSHostName", state.DNSHostName), ("Enabled", True),
             ("Name", name), ("ObjectClass", "computer"), ("ObjectGUID", _guid(name)),
             ("SamAccountName", f"{name}$"), ("SID", f"{_DOMAIN_SID}-{1105 + index}"), ("UserPrincipalName", None)]
    wanted = {p.lower() for p in properties}
    if "*" in wanted or DELEGATION.lower() in wanted:
        props.append((DELEGATION, list(state.AllowedToDelegateTo)))
    # The AD module lists an object's properties alphabetically.
    return PSObject(sorted(props, key=lambda p: p[0].lower()), [COMPUTER, OBJECT], ref=lab.world.host(name))


def _filtered(ctx, text: str) -> list[str] | None:
    """The accounts an -Filter selects. The lab reads ``*`` and one clause ``Property -op value`` (-eq, -ne,
    -like, -notlike); anything else is reported as the AD module reports a query it cannot parse."""
    accounts = [c.Name for c in lab_of(ctx).snapshot().ADComputers]
    text = text.strip().removeprefix("{").removesuffix("}").strip()
    if text == "*":
        return accounts
    clause = _CLAUSE.match(text)
    if clause is None or clause[2].lower() not in ("eq", "ne", "like", "notlike"):
        ctx.write_error(f"Error parsing query: '{text}' Error Message: 'syntax error' at position: '1'.",
                        error_id="ActiveDirectoryCmdlet:Microsoft.ActiveDirectory.Management.ADFilterParsingException",
                        category="ParserError", reason="ADFilterParsingException", target=text)
        return None
    prop, op, value = clause[1], clause[2].lower(), next(v for v in clause.groups()[2:] if v is not None)
    return [a for a in accounts
            if comparison(f"-{op}", computer_object(ctx, a, ["*"]).get(prop), value, lambda matches: None)]


def get_ad_computer(ctx, params: dict) -> None:
    properties = names(params.get("Properties"))
    if "Filter" in params:
        for name in _filtered(ctx, params["Filter"]) or []:
            ctx.write_output(computer_object(ctx, name, properties))
        return
    name = _lookup(ctx, params["Identity"])
    if name is not None:
        ctx.write_output(computer_object(ctx, name, properties))


def _values(table: Hashtable | None, ctx) -> list[str] | None:
    """The msDS-AllowedToDelegateTo values of an -Add/-Remove/-Replace hashtable (None when it has none)."""
    if table is None:
        return None
    found = None
    for key, value in table.items():
        if str(key).lower() == DELEGATION.lower():
            found = [to_string(v) for v in names(value)]
        else:
            ctx.write_warning(f"The lab does not model the attribute '{key}'; it was left unchanged.")
    return found


def _set(ctx, params: dict, passthru_object) -> None:
    """Set-ADComputer / Set-ADObject: Remove, Add, Replace, Clear on msDS-AllowedToDelegateTo, in that order."""
    name = _lookup(ctx, params["Identity"])
    if name is None:
        return
    lab, caller = lab_of(ctx), caller_of(ctx)
    if not ctx.should_process(_dn(ctx, name), "Set"):
        return
    steps = []
    for operation, key in ((lab.remove_delegation, "Remove"), (lab.add_delegation, "Add"),
                           (lab.set_delegation, "Replace")):
        values = _values(params.get(key), ctx)
        if values is not None:
            steps.append((operation, values))
    for clear in names(params.get("Clear")):
        if clear.lower() == DELEGATION.lower():
            steps.append((lab.remove_delegation, None))  # no SPN list: remove them all
        else:
            ctx.write_warning(f"The lab does not model the attribute '{clear}'; it was left unchanged.")
    for operation, values in steps:
        if attempt(ctx, operation, name, values, caller=caller) is None:
            return
    if params.get("PassThru"):
        ctx.write_output(passthru_object(ctx, name))


def set_ad_computer(ctx, params: dict) -> None:
    _set(ctx, params, lambda c, name: computer_object(c, name, []))


def set_ad_object(ctx, params: dict) -> None:
    def ad_object(c, name: str) -> PSObject:
        return PSObject([("DistinguishedName", _dn(c, name)), ("Name", name), ("ObjectClass", "computer"),
                         ("ObjectGUID", _guid(name))], [OBJECT], ref=lab_of(c).world.host(name))
    _set(ctx, params, ad_object)


# -Server (the domain controller to ask) is accepted for parity and changes nothing: the lab has one directory.
_SET_PARAMS = (Param("Add", "hashtable"), Param("Remove", "hashtable"), Param("Replace", "hashtable"),
               Param("Clear", "string[]"), Param("PassThru", "switch"), Param("Server", "string"))


def register(registry: Registry) -> None:
    """Register Get-ADComputer, Set-ADComputer and Set-ADObject."""
    registry.register(Cmdlet(
        "Get-ADComputer", f"{NS}.Commands.GetADComputer", get_ad_computer,
        [Param("Identity", "object", sets=["Identity"], mandatory=True, position=0, pipeline=True),
         Param("Filter", "string", sets=["Filter"], mandatory=True),
         Param("Properties", "string[]", aliases=["Property"]), Param("Server", "string")],
        module="ActiveDirectory", output_type=COMPUTER,
        synopsis="Gets a computer account from Active Directory; -Properties adds attributes such as "
                 "msDS-AllowedToDelegateTo.",
        syntax="Get-ADComputer [-Identity] <ADComputer> [-Properties <String[]>] [-Server <String>]\n"
               "Get-ADComputer -Filter <String> [-Properties <String[]>] [-Server <String>]"))
    registry.register(Cmdlet(
        "Set-ADComputer", f"{NS}.Commands.SetADComputer", set_ad_computer,
        [Param("Identity", "object", sets=["Identity"], mandatory=True, position=0, pipeline=True), *_SET_PARAMS],
        module="ActiveDirectory", supports_should_process=True, output_type=COMPUTER,
        synopsis="Changes a computer account in Active Directory, for example the services it may delegate to "
                 "(msDS-AllowedToDelegateTo).",
        syntax="Set-ADComputer [-Identity] <ADComputer> [-Add <Hashtable>] [-Remove <Hashtable>] [-Replace "
               "<Hashtable>] [-Clear <String[]>] [-PassThru] [-Server <String>] [-WhatIf] [-Confirm]"))
    registry.register(Cmdlet(
        "Set-ADObject", f"{NS}.Commands.SetADObject", set_ad_object,
        [Param("Identity", "object", sets=["Identity"], mandatory=True, position=0, pipeline=True), *_SET_PARAMS],
        module="ActiveDirectory", supports_should_process=True, output_type=OBJECT,
        synopsis="Changes attributes of any Active Directory object, given by distinguished name, GUID or from the "
                 "pipeline.",
        syntax="Set-ADObject [-Identity] <ADObject> [-Add <Hashtable>] [-Remove <Hashtable>] [-Replace "
               "<Hashtable>] [-Clear <String[]>] [-PassThru] [-Server <String>] [-WhatIf] [-Confirm]"))
