"""ConvertTo-Json in Windows PowerShell 4's layout."""
from __future__ import annotations

import json

from engine.powershell import PSEnum, PSObject
from engine.powershell.jsonfmt import to_json


def test_object_layout_two_spaces_after_colon_and_crlf(run):
    assert run("Get-Thing alpha | ConvertTo-Json").output == ['{\r\n    "Name":  "alpha",\r\n    "Value":  1\r\n}']


def test_nested_arrays_and_objects_align_under_their_key(run):
    (text,) = run("@{Name = 'VM1'; Disks = @('a.vhdx', 'b.vhdx'); Proc = @{Count = 2}} | ConvertTo-Json").output
    assert text == (
        "{\r\n"
        '    "Name":  "VM1",\r\n'
        '    "Disks":  [\r\n'
        '                  "a.vhdx",\r\n'
        '                  "b.vhdx"\r\n'
        "              ],\r\n"
        '    "Proc":  {\r\n'
        '                 "Count":  2\r\n'
        "             }\r\n"
        "}")


def test_several_objects_become_an_array(run):
    (text,) = run("Get-Thing | ConvertTo-Json -Compress").output
    assert text == '[{"Name":"alpha","Value":1},{"Name":"beta","Value":2}]'


def test_empty_array_layout_is_powershell_4s():
    assert to_json({"a": []}.get("a")) == "[\r\n\r\n]"


def test_depth_turns_deeper_objects_into_strings(run):
    script = ("[pscustomobject]@{L1 = [pscustomobject]@{L2 = [pscustomobject]@{L3 = [pscustomobject]@{L4 = 1}}}} "
              "| ConvertTo-Json -Compress")
    assert run(script).output == ['{"L1":{"L2":{"L3":"@{L4=1}"}}}']
    assert json.loads(run(script.replace("-Compress", "-Depth 3 -Compress")).output[0]) == {
        "L1": {"L2": {"L3": {"L4": 1}}}}


def test_escaping_like_javascript_serializer():
    assert to_json("it's <b> & \"q\"\n\\", compress=True) == '"it\\u0027s \\u003cb\\u003e \\u0026 \\"q\\"\\n\\\\"'


def test_values_are_typed():
    obj = PSObject([("State", PSEnum("Running", 2, "Microsoft.HyperV.PowerShell.VMState")), ("On", True),
                    ("None", None), ("Ratio", 0.5), ("Big", 4 * 1024 ** 3)])
    assert to_json(obj, compress=True) == '{"State":2,"On":true,"None":null,"Ratio":0.5,"Big":4294967296}'


def test_output_parses_as_json(run):
    (text,) = run("Get-Thing | Select-Object Name, Value | ConvertTo-Json").output
    assert json.loads(text) == [{"Name": "alpha", "Value": 1}, {"Name": "beta", "Value": 2}]
