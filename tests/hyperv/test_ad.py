"""Constrained delegation on computer accounts and domain trust."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from engine.hyperv.ad import delegates_to, trusted
from tests.hyperv.conftest import build, pair_data


@pytest.fixture
def lab():
    return build(pair_data())


def test_set_delegation_shows_in_snapshot(lab):
    lab.set_delegation("HV1", ["cifs/HV2", "Microsoft Virtual System Migration Service/HV2"])
    computer = next(c for c in lab.snapshot().ADComputers if c.Name == "HV1")
    assert computer.AllowedToDelegateTo == ["cifs/HV2", "Microsoft Virtual System Migration Service/HV2"]
    assert "msDS-AllowedToDelegateTo" in lab.snapshot().model_dump(by_alias=True)["ADComputers"][0]


def test_add_and_remove_delegation(lab):
    lab.add_delegation("HV1$", ["cifs/HV2"])
    lab.add_delegation("HV1", ["cifs/HV2", "Microsoft Virtual System Migration Service/HV2"])
    assert lab.delegation_of("HV1") == ["cifs/HV2", "Microsoft Virtual System Migration Service/HV2"]
    lab.remove_delegation("HV1", ["cifs"])
    assert lab.delegation_of("HV1") == ["Microsoft Virtual System Migration Service/HV2"]
    lab.remove_delegation("HV1")
    assert lab.delegation_of("HV1") == []


def test_delegation_checks_service_and_destination(lab):
    lab.set_delegation("HV1", ["cifs/HV3"])
    hv1, hv2 = lab.world.host("HV1"), lab.world.host("HV2")
    assert not delegates_to(lab.world, hv1, hv2, "cifs")
    lab.set_delegation("HV1", ["CIFS/hv2"])
    assert delegates_to(lab.world, hv1, hv2, "cifs")


def test_unknown_computer(lab):
    with pytest.raises(LabError) as e:
        lab.set_delegation("HV9", ["cifs/HV2"])
    assert e.value.id == "ad.computer_not_found"
    assert e.value.message == "Cannot find an object with identity: 'HV9' under: 'DC=contoso,DC=com'."


def test_workgroup_computer_has_no_account():
    data = pair_data()
    del data["hosts"][1]["domain"]
    lab = build(data)
    with pytest.raises(LabError) as e:
        lab.set_delegation("HV2", ["cifs/HV1"])
    assert e.value.id == "ad.computer_not_found"


def test_trust_is_either_direction():
    data = pair_data()
    data["domains"] = [{"name": "contoso.com"}, {"name": "fabrikam.com", "trusts": ["contoso.com"]}]
    data["hosts"][1]["domain"] = "fabrikam.com"
    lab = build(data)
    assert trusted(lab.world, lab.world.host("HV1"), lab.world.host("HV2"))
