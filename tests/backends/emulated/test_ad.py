"""Active Directory cmdlets on the emulated backend: computer accounts and constrained delegation."""
from __future__ import annotations

import functools

from engine.backends.emulated import EmulatedBackend
from engine.backends.emulated import ad as module
from engine.content.loader import load_catalog
from engine.powershell.registry import Registry

SPNS = "@('cifs/HV2','Microsoft Virtual System Migration Service/HV2')"


@functools.cache
def _topology(name: str):
    return load_catalog().topology(name)


def domain(name: str = "kerberos-pair") -> EmulatedBackend:
    """A fresh lab: in kerberos-pair HV2 may delegate to HV1, HV1 to nobody; the console is a workstation."""
    return EmulatedBackend.from_topology(_topology(name))


def delegation(backend: EmulatedBackend, computer: str) -> list[str]:
    return next(c.AllowedToDelegateTo for c in backend.snapshot().ADComputers if c.Name == computer)


def test_get_ad_computer_default_properties():
    result = domain().run("Get-ADComputer HV1")
    assert result.text == (
        "\n\nDistinguishedName : CN=HV1,CN=Computers,DC=contoso,DC=com\nDNSHostName       : HV1.contoso.com\n"
        "Enabled           : True\nName              : HV1\nObjectClass       : computer\n"
        f"ObjectGUID        : {result.output[0]['ObjectGUID']}\nSamAccountName    : HV1$\n"
        f"SID               : {result.output[0]['SID']}\nUserPrincipalName :\n\n\n\n")
    assert result.output[0].type_names[:2] == ["Microsoft.ActiveDirectory.Management.ADComputer",
                                               "Microsoft.ActiveDirectory.Management.ADObject"]
    assert not result.output[0].has("msDS-AllowedToDelegateTo")


def test_get_ad_computer_with_the_delegation_property():
    result = domain().run("Get-ADComputer -Identity HV2 -Properties msDS-AllowedToDelegateTo")
    assert result.output[0]["msDS-AllowedToDelegateTo"] == [
        "cifs/HV1", "cifs/HV1.contoso.com", "Microsoft Virtual System Migration Service/HV1",
        "Microsoft Virtual System Migration Service/HV1.contoso.com"]
    assert ("msDS-AllowedToDelegateTo : {cifs/HV1, cifs/HV1.contoso.com, Microsoft Virtual System Migration "
            "Service/HV1, Microsoft Virtual System Migration Service/HV1.contoso.com}") in result.text


def test_get_ad_computer_all_properties_by_account_name():
    result = domain().run("Get-ADComputer 'HV1$' -Properties *")
    assert result.output[0]["msDS-AllowedToDelegateTo"] == []


def test_get_ad_computer_unknown_identity():
    result = domain().run("Get-ADComputer HV9")
    assert result.errors[0].lab_error.id == "ad.computer_not_found"
    assert result.text == (
        "Get-ADComputer : Cannot find an object with identity: 'HV9' under: 'DC=contoso,DC=com'.\nAt line:1 char:1\n"
        "+ Get-ADComputer HV9\n+ ~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (HV9:String) [Get-ADComputer], ADIdentityNotFoundException\n"
        "    + FullyQualifiedErrorId : ActiveDirectoryCmdlet:Microsoft.ActiveDirectory.Management.ADIdentityNotFoundE"
        "xception,M\n    icrosoft.ActiveDirectory.Management.Commands.GetADComputer\n\n")


def test_get_ad_computer_filter_lists_delegation_of_every_computer():
    result = domain().run("Get-ADComputer -Filter * -Properties msDS-AllowedToDelegateTo")
    assert [(o["Name"], len(o["msDS-AllowedToDelegateTo"])) for o in result.output] == [("HV1", 0), ("HV2", 4)]


def test_get_ad_computer_filter_with_one_clause():
    backend = domain()
    assert backend.run("Get-ADComputer -Filter {Name -like 'HV2*'}").output[0]["Name"] == "HV2"
    assert [o["Name"] for o in backend.run("Get-ADComputer -Filter \"Name -ne 'HV2'\"").output] == ["HV1"]


def test_get_ad_computer_filter_the_lab_cannot_parse():
    result = domain().run("Get-ADComputer -Filter {Name -eq 'HV1' -or Name -eq 'HV2'}")
    assert result.errors[0].message == (
        "Error parsing query: 'Name -eq 'HV1' -or Name -eq 'HV2'' Error Message: 'syntax error' at position: '1'.")
    assert result.errors[0].fqid == (
        "ActiveDirectoryCmdlet:Microsoft.ActiveDirectory.Management.ADFilterParsingException,"
        "Microsoft.ActiveDirectory.Management.Commands.GetADComputer")


def test_set_ad_computer_adds_delegation():
    backend = domain()
    result = backend.run(f"Set-ADComputer -Identity HV1 -Add @{{'msDS-AllowedToDelegateTo'={SPNS}}}")
    assert (result.text, result.had_errors) == ("", False)
    assert delegation(backend, "HV1") == ["cifs/HV2", "Microsoft Virtual System Migration Service/HV2"]


def test_set_ad_object_from_get_ad_computer():
    backend = domain()
    backend.run(f"Get-ADComputer HV1 | Set-ADObject -Add @{{'msDS-AllowedToDelegateTo'={SPNS}}}")
    assert delegation(backend, "HV1") == ["cifs/HV2", "Microsoft Virtual System Migration Service/HV2"]


def test_set_ad_object_by_distinguished_name_with_passthru():
    backend = domain()
    result = backend.run("Set-ADObject 'CN=HV1,CN=Computers,DC=contoso,DC=com' -Replace "
                         "@{'msDS-AllowedToDelegateTo'='cifs/HV2'} -PassThru")
    assert result.output[0]["DistinguishedName"] == "CN=HV1,CN=Computers,DC=contoso,DC=com"
    assert result.output[0].type_name == "Microsoft.ActiveDirectory.Management.ADObject"
    assert delegation(backend, "HV1") == ["cifs/HV2"]


def test_set_ad_object_by_object_guid():
    backend = domain()
    backend.run("$guid = (Get-ADComputer HV1).ObjectGUID; "
                "Set-ADObject -Identity $guid -Add @{'msDS-AllowedToDelegateTo'='cifs/HV2'}")
    assert delegation(backend, "HV1") == ["cifs/HV2"]


def test_set_ad_computer_removes_one_spn():
    backend = domain()
    backend.run("Set-ADComputer HV2 -Remove @{'msDS-AllowedToDelegateTo'='cifs/HV1.contoso.com'}")
    assert "cifs/HV1.contoso.com" not in delegation(backend, "HV2")
    assert len(delegation(backend, "HV2")) == 3


def test_set_ad_computer_replaces_the_list():
    backend = domain()
    backend.run("Set-ADComputer HV2 -Replace @{'msDS-AllowedToDelegateTo'='cifs/HV1'}")
    assert delegation(backend, "HV2") == ["cifs/HV1"]


def test_set_ad_computer_clears_the_attribute():
    backend = domain()
    backend.run("Set-ADComputer HV2 -Clear msDS-AllowedToDelegateTo")
    assert delegation(backend, "HV2") == []


def test_set_ad_computer_remove_runs_before_add():
    backend = domain()
    backend.run("Set-ADComputer HV2 -Add @{'msDS-AllowedToDelegateTo'='cifs/HV3'} "
                "-Remove @{'msDS-AllowedToDelegateTo'='cifs/HV3'}")
    assert "cifs/HV3" in delegation(backend, "HV2")


def test_set_ad_computer_passthru_outputs_the_computer():
    result = domain().run("Set-ADComputer HV1 -Add @{'msDS-AllowedToDelegateTo'='cifs/HV2'} -PassThru")
    assert [(o.type_name, o["Name"]) for o in result.output] == [
        ("Microsoft.ActiveDirectory.Management.ADComputer", "HV1")]


def test_set_ad_computer_whatif_changes_nothing():
    backend = domain()
    result = backend.run(f"Set-ADComputer HV1 -Add @{{'msDS-AllowedToDelegateTo'={SPNS}}} -WhatIf")
    assert result.text == 'What if: Performing operation "Set" on Target "CN=HV1,CN=Computers,DC=contoso,DC=com".\n'
    assert delegation(backend, "HV1") == []


def test_set_ad_computer_unknown_identity():
    result = domain().run("Set-ADComputer HV9 -Add @{'msDS-AllowedToDelegateTo'='cifs/HV2'}")
    assert result.errors[0].lab_error.id == "ad.computer_not_found"
    assert result.errors[0].fqid == ("ActiveDirectoryCmdlet:Microsoft.ActiveDirectory.Management."
                                     "ADIdentityNotFoundException,Microsoft.ActiveDirectory.Management.Commands."
                                     "SetADComputer")


def test_set_ad_computer_warns_about_attributes_the_lab_does_not_model():
    backend = domain()
    result = backend.run("Set-ADComputer HV1 -Replace @{description='Hyper-V host'}")
    assert result.text == "WARNING: The lab does not model the attribute 'description'; it was left unchanged.\n"
    assert not result.had_errors


def test_set_ad_computer_needs_an_identity():
    result = domain().run("Set-ADComputer -Add @{'msDS-AllowedToDelegateTo'='cifs/HV2'}")
    assert result.errors[0].fqid == ("MissingMandatoryParameter,"
                                     "Microsoft.ActiveDirectory.Management.Commands.SetADComputer")


def test_kerberos_move_works_once_delegation_is_set():
    backend = domain()
    setup = backend.run("Set-VMHost -ComputerName HV1,HV2 -VirtualMachineMigrationAuthenticationType Kerberos; "
                        f"Set-ADComputer HV1 -Add @{{'msDS-AllowedToDelegateTo'={SPNS}}}")
    assert not setup.had_errors
    result = backend.run("Move-VM -ComputerName HV1 -Name VM1 -DestinationHost HV2 -IncludeStorage "
                         "-DestinationStoragePath D:\\VMs\\VM1")
    assert not result.had_errors, result.text
    assert backend.snapshot().vm("VM1").ComputerName == "HV2"


def test_every_cmdlet_has_help():
    registry = Registry()
    module.register(registry)
    assert all(c.synopsis and c.syntax and c.syntax.startswith(c.name) for c in registry.cmdlets())
