"""Get-CimInstance / Get-WmiObject (Win32_Processor, Win32_OperatingSystem), Get-NetIPAddress, Get-SmbShare and
Get-SmbShareAccess on the emulated backend: exact PowerShell text, errors included."""
from __future__ import annotations

import functools

from engine.backends.emulated import EmulatedBackend
from engine.content.loader import load_catalog


@functools.cache
def _topology(name: str):
    return load_catalog().topology(name)


def lab(name: str = "storage-pair") -> EmulatedBackend:
    return EmulatedBackend.from_topology(_topology(name))


def text(script: str, name: str = "storage-pair", host=None) -> str:
    return lab(name).run(script, host=host).text if host else lab(name).run(script).text


# --- Win32_Processor / Win32_OperatingSystem ------------------------------------------------------------------
def test_get_cim_instance_win32_processor_table():
    assert text("Get-CimInstance Win32_Processor") == (
        "\nDeviceID Name            Caption        MaxClockSpeed SocketDesignation Manufacturer\n"
        "-------- ----            -------        ------------- ----------------- ------------\n"
        "CPU0     Xeon E5-2670 v2 Intel64 Family             0 CPU0              GenuineIntel\n\n\n")


def test_get_wmi_object_win32_processor_list():
    assert text("gwmi -Class Win32_Processor") == (
        "\n\nCaption           : Intel64 Family\nDeviceID          : CPU0\nManufacturer      : GenuineIntel\n"
        "MaxClockSpeed     : 0\nName              : Xeon E5-2670 v2\nSocketDesignation : CPU0\n\n\n\n")


def test_processor_maps_the_hosts_cpu_like_labstate():
    backend = lab("mixed-cpu")
    for host in backend.snapshot().Hosts:
        result = backend.run(f"$p = Get-WmiObject Win32_Processor -ComputerName {host.Name}; "
                             "$p.Manufacturer; $p.Name")
        assert result.text.splitlines() == [host.Processor.Manufacturer, host.Processor.Name]
    assert {h.Processor.Manufacturer for h in backend.snapshot().Hosts} == {"GenuineIntel", "AuthenticAMD"}


def test_operating_system_version():
    assert text("(Get-CimInstance -ClassName Win32_OperatingSystem).Version") == "6.3.9600\n"


def test_wmi_invalid_class():
    assert text("Get-WmiObject Win32_Nope") == (
        'Get-WmiObject : Invalid class "Win32_Nope"\nAt line:1 char:1\n+ Get-WmiObject Win32_Nope\n'
        "+ ~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : InvalidType: (:) [Get-WmiObject], ManagementException\n"
        "    + FullyQualifiedErrorId : GetWMIManagementException,Microsoft.PowerShell.Commands.GetWmiObjectCommand"
        "\n\n")


def test_cim_invalid_class():
    assert text("Get-CimInstance Win32_Nope") == (
        "Get-CimInstance : Invalid class \nAt line:1 char:1\n+ Get-CimInstance Win32_Nope\n"
        "+ ~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : MetadataError: (root\\cimv2:Win32_Nope:String) [Get-CimInstance], "
        "CimException\n"
        "    + FullyQualifiedErrorId : HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets."
        "GetCimInstanceCommand\n\n")


def test_wmi_unknown_computer_is_the_labs_error():
    result = lab().run("Get-WmiObject Win32_Processor -ComputerName HV9")
    assert result.errors[0].lab_error.id == "host.not_found"


# --- Get-NetIPAddress -----------------------------------------------------------------------------------------
def test_get_net_ip_address_ipv4_of_one_adapter():
    assert text("Get-NetIPAddress -InterfaceAlias LM -AddressFamily IPv4") == (
        "\n\nIPAddress         : 10.0.1.11\nInterfaceIndex    : 12\nInterfaceAlias    : LM\n"
        "AddressFamily     : IPv4\nType              : Unicast\nPrefixLength      : 24\n"
        "PrefixOrigin      : Manual\nSuffixOrigin      : Manual\nAddressState      : Preferred\n"
        "ValidLifetime     : Infinite ([TimeSpan]::MaxValue)\nPreferredLifetime : Infinite ([TimeSpan]::MaxValue)\n"
        "SkipAsSource      : False\nPolicyStore       : ActiveStore\n\n\n\n")


def test_get_net_ip_address_matches_labstate_on_every_host():
    backend = lab("three-node-cluster")
    for host in backend.snapshot().Hosts:
        result = backend.run(f"Get-NetIPAddress -AddressFamily IPv4 -CimSession {host.Name} | "
                             "%{ $_.InterfaceAlias + '=' + $_.IPAddress + '/' + $_.PrefixLength }")
        expected = [f"{n.Name}={n.IPAddress}" for n in host.NetAdapters if n.IPAddress]
        assert result.text.splitlines() == expected + ["Loopback Pseudo-Interface 1=127.0.0.1/8"]


def test_get_net_ip_address_ipv6_has_link_local_and_loopback():
    result = lab().run("Get-NetIPAddress -AddressFamily IPv6 | %{ $_.IPAddress }")
    lines = result.text.splitlines()
    assert lines[-1] == "::1" and all(a.startswith("fe80::") for a in lines[:-1]) and len(lines) == 3


def test_a_disabled_adapter_has_no_address():
    backend = lab()
    backend.run("Disable-NetAdapter -Name LM")
    assert "LM" not in backend.run("Get-NetIPAddress | %{ $_.InterfaceAlias }").text.splitlines()


def test_get_net_ip_address_unknown_alias():
    assert text("Get-NetIPAddress -InterfaceAlias Nope") == (
        "Get-NetIPAddress : No MSFT_NetIPAddress objects found with property 'InterfaceAlias' equal to 'Nope'.  "
        "Verify the value of the property and retry.\nAt line:1 char:1\n+ Get-NetIPAddress -InterfaceAlias Nope\n"
        "+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (Nope:String) [Get-NetIPAddress], CimJobException\n"
        "    + FullyQualifiedErrorId : CmdletizationQuery_NotFound_InterfaceAlias,Get-NetIPAddress\n\n")


# --- Get-SmbShare / Get-SmbShareAccess ------------------------------------------------------------------------
def test_a_lab_host_has_only_its_special_shares():
    assert text("Get-SmbShare") == (
        "\nName   ScopeName Path       Description\n"
        "----   --------- ----       -----------\n"
        "ADMIN$ *         C:\\Windows Remote Admin\n"
        "C$     *         C:\\        Default share\n"
        "D$     *         D:\\        Default share\n"
        "E$     *         E:\\        Default share\n"
        "IPC$   *                    Remote IPC\n\n\n")
    assert text("Get-SmbShare -Special $false") == ""


def test_the_file_server_answers_through_cimsession():
    assert text("Get-SmbShare -CimSession FS1") == (
        "\nName ScopeName Path          Description\n"
        "---- --------- ----          -----------\n"
        "VMs  *         C:\\Shares\\VMs\n\n\n")


def test_share_access_by_name_and_by_pipeline():
    expected = (
        "\nName ScopeName AccountName AccessControlType AccessRight\n"
        "---- --------- ----------- ----------------- -----------\n"
        "VMs  *         HV1$        Allow             Full\n"
        "VMs  *         HV2$        Allow             Full\n\n\n")
    assert text("Get-SmbShareAccess -Name VMs -CimSession FS1") == expected
    assert text("Get-SmbShare -Special $false -CimSession FS1 | Get-SmbShareAccess") == expected


def test_share_access_follows_the_lab():
    backend = lab("storage-pair")
    backend.lab.world.smb_shares[0].allowed.remove("HV2$")
    assert backend.run("(Get-SmbShareAccess VMs -CimSession FS1).AccountName").text == "HV1$\n"


def test_get_smb_share_unknown_name():
    assert text("Get-SmbShare Nope") == (
        "Get-SmbShare : No MSFT_SmbShare objects found with property 'Name' equal to 'Nope'.  Verify the value of "
        "the property and retry.\nAt line:1 char:1\n+ Get-SmbShare Nope\n+ ~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (Nope:String) [Get-SmbShare], CimJobException\n"
        "    + FullyQualifiedErrorId : CmdletizationQuery_NotFound_Name,Get-SmbShare\n\n")


def test_get_smb_share_unknown_computer_is_the_labs_error():
    result = lab().run("Get-SmbShare -CimSession FS9")
    assert result.errors[0].lab_error.id == "host.not_found"


def test_get_net_ip_address_by_address_and_families():
    backend = lab()
    assert backend.run("(Get-NetIPAddress 10.0.1.*).InterfaceAlias").text == "LM\n"
    both = backend.run("(Get-NetIPAddress -AddressFamily IPv4, IPv6 -InterfaceAlias LM).AddressFamily").text
    assert both.splitlines() == ["IPv6", "IPv4"]
