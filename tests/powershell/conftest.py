"""Test-only fake cmdlets over a dict, to exercise binding, errors, jobs and formatting."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from engine.powershell import Cmdlet, CmdletImpl, Column, Job, Param, PSObject, Runspace, default_registry

THING = "Fake.Thing"
FAKE_NS = "Fake.Commands."


class World:
    """The fake "lab": things with a value, a clock advanced by waiting jobs."""

    def __init__(self) -> None:
        self.things = {"alpha": 1, "beta": 2}
        self.clock = 0
        self.setter_calls: list = []

    def thing(self, name: str) -> PSObject:
        def set_value(value):
            if not isinstance(value, int) or value < 0:
                raise LabError("thing.bad_value", "The value must be a non-negative integer.",
                               category="InvalidArgument", exception_type="ArgumentException",
                               error_code="InvalidValue", target=name)
            self.setter_calls.append((name, value))
            self.things[name] = value
        return PSObject([("Name", name), ("Value", self.things[name])], [THING], setters={"Value": set_value},
                        ref=name, display=f"Thing {name}")


def _get_thing(ctx, params):
    world: World = ctx.services["world"]
    for name in params.get("Name") or sorted(world.things):
        if name not in world.things:
            ctx.write_error(LabError("thing.not_found", f"Cannot find a thing named '{name}'.",
                                     category="ObjectNotFound", exception_type="ThingNotFoundException",
                                     error_code="ThingNotFound", target=name))
            continue
        ctx.write_output(world.thing(name))


def _move_thing(ctx, params):
    raise LabError("thing.move_failed", f"Moving '{params['Name']}' to '{params['Destination']}' failed.\n"
                   "The destination refused the connection.", category="ConnectionError",
                   exception_type="VirtualizationOperationFailedException", error_code="OperationFailed",
                   target=params["Name"], details={"target_type": "Thing"})


def _set_thing(ctx, params):
    world: World = ctx.services["world"]
    name = params["Thing"].ref if "Thing" in params else params["Name"]
    if name not in world.things:
        ctx.write_error(LabError("thing.not_found", f"Cannot find a thing named '{name}'.\nCheck the name.",
                                 category="ObjectNotFound", exception_type="ThingNotFoundException",
                                 error_code="ThingNotFound", target=name))
        return
    if ctx.should_process(name, "Set value"):
        world.things[name] = params.get("Value", 0)
        if params.get("PassThru"):
            ctx.write_output(world.thing(name))


class ThingJob(Job):
    """A job that finishes when the fake clock reaches ``due``."""

    def __init__(self, world: World, name: str, due: int, fail: bool) -> None:
        super().__init__(location="HV1", job_type="ThingJob")
        self.world, self.thing_name, self.due, self.fail = world, name, due, fail

    def refresh(self) -> None:
        if self.state == "Running" and self.world.clock >= self.due:
            if self.fail:
                self.add_error(LabError("thing.start_failed", f"Thing '{self.thing_name}' failed to start.",
                                        category="InvalidOperation", error_code="StartFailed",
                                        target=self.thing_name))
                self.finish("Failed")
            else:
                self.add_result(self.world.thing(self.thing_name))
                self.finish()

    def wait(self) -> None:
        self.world.clock = max(self.world.clock, self.due)
        self.refresh()


class StartThing(CmdletImpl):
    def process(self, ctx, params):
        world: World = ctx.services["world"]
        ctx.run_job(ThingJob(world, params["Name"], world.clock + params.get("Seconds", 10), bool(params.get("Fail"))))


def fake_registry():
    """The default registry plus the fake cmdlets and the Fake.Thing table view."""
    registry = default_registry()
    registry.register(Cmdlet("Get-Thing", FAKE_NS + "GetThingCommand", _get_thing, [
        Param("Name", "string[]", position=0, pipeline=True, pipeline_by_name=True, aliases=["ThingName"]),
        Param("ComputerName", "string[]", aliases=["Cn"])], synopsis="Gets things.", module="FakeModule"))
    registry.register(Cmdlet("Set-Thing", FAKE_NS + "SetThingCommand", _set_thing, [
        Param("Name", "string", sets=["Name"], mandatory=True, position=0, pipeline_by_name=True),
        Param("Thing", "psobject", sets=["Thing"], mandatory=True, position=0, pipeline=True, type_name=THING),
        Param("Value", "uint", mandatory=True, position=1),
        Param("Mode", "string", values=["Fast", "Slow"]),
        Param("Kind", "enum", values=["Private", "Internal", "External"], type_name="Fake.ThingKind"),
        Param("Enabled", "bool"), Param("PassThru", "switch"), Param("Options", "hashtable[]"),
        Param("Notes", "string")], default_set="Name", supports_should_process=True,
        synopsis="Sets the value of a thing.", module="FakeModule"))
    registry.register(Cmdlet("Start-Thing", FAKE_NS + "StartThingCommand", StartThing, [
        Param("Name", "string", mandatory=True, position=0), Param("Seconds", "int"), Param("Fail", "switch")],
        supports_as_job=True, module="FakeModule"))
    registry.register(Cmdlet("Move-Thing", FAKE_NS + "MoveThingCommand", _move_thing, [
        Param("Name", "string", mandatory=True, position=0), Param("Destination", "string", mandatory=True,
                                                                     position=1)], module="FakeModule"))
    registry.views.table(THING, Column("Name"), Column("Value"))
    return registry


@pytest.fixture
def world():
    return World()


@pytest.fixture
def rs(world):
    return Runspace(fake_registry(), {"world": world, "env": {"COMPUTERNAME": "HV1"}})


@pytest.fixture
def run(rs):
    return rs.run
