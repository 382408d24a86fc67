"""`python -m engine validate`: one `file:line: key.path: message` line per mistake, exit 1, never a traceback."""
import subprocess
import sys

from engine.cli import main
from engine.content.loader import REPO_ROOT, load_catalog

GOOD_SINGLE = """
- id: q-good
  objective: "1.4"
  skill: 1.4.live-migration
  type: single
  stem: Which protocol is the default for live migration authentication?
  options:
    - {id: a, text: CredSSP}
    - {id: b, text: Kerberos}
  answer: a
  explanation: CredSSP is the default on a fresh host.
  option_explanations: {a: Default., b: Needs delegation.}
  references:
    - {title: Set-VMHost, url: "https://learn.microsoft.com/en-us/powershell/module/hyper-v/set-vmhost"}
"""


def problems(root):
    return [str(p) for p in load_catalog(root.path).problems]


def test_clean_content_exits_0(root, capsys):
    root.write("questions/q.yaml", GOOD_SINGLE)
    assert main(["validate", str(root.path)]) == 0
    assert capsys.readouterr().out == ""


def test_shipped_content_is_valid():
    catalog = load_catalog(REPO_ROOT)
    assert [str(p) for p in catalog.problems] == []


def test_yaml_syntax_error_names_its_line(root):
    root.write("questions/q.yaml", GOOD_SINGLE + "- id: [unclosed\n")
    assert problems(root) == [
        "questions/q.yaml:15: YAML syntax error: while parsing a flow sequence did not find expected ',' or ']'"]


def test_duplicate_key_is_an_error(root):
    root.write("questions/q.yaml", GOOD_SINGLE.replace("  answer: a\n", "  answer: a\n  answer: b\n"))
    assert problems(root) == ["questions/q.yaml:10: duplicate key 'answer' (first defined at line 9)"]


def test_unknown_key_suggests_the_close_one(root):
    root.write("questions/q.yaml", GOOD_SINGLE.replace("  explanation:", "  explanaton:"))
    assert problems(root) == [
        "questions/q.yaml:1: [0].explanation: required key is missing",
        "questions/q.yaml:10: [0].explanaton: unknown key 'explanaton' (did you mean 'explanation'?)",
    ]


def test_answer_must_be_an_option(root):
    root.write("questions/q.yaml", GOOD_SINGLE.replace("answer: a", "answer: z"))
    assert problems(root) == ["questions/q.yaml:9: [0].answer: answer 'z' is not an option id (a, b)"]


def test_every_option_needs_an_explanation(root):
    root.write("questions/q.yaml", GOOD_SINGLE.replace(", b: Needs delegation.", ""))
    assert problems(root) == ["questions/q.yaml:1: [0]: option_explanations has no explanation for b"]


def test_unknown_question_type(root):
    root.write("questions/q.yaml", GOOD_SINGLE.replace("type: single", "type: essay"))
    assert problems(root) == [
        "questions/q.yaml:4: [0].type: Input tag 'essay' found using 'type' does not match any of the expected "
        "tags: 'single', 'multiple', 'order', 'match', 'dropdown', 'command'"]


def test_reference_must_be_https(root):
    root.write("questions/q.yaml", GOOD_SINGLE.replace("https://learn", "http://learn"))
    assert problems(root) == ["questions/q.yaml:13: [0].references[0].url: references must use https"]


def test_unknown_objective_and_skill(root):
    root.write("questions/q.yaml", GOOD_SINGLE.replace('"1.4"', '"9.9"'))
    root.write("questions/r.yaml", GOOD_SINGLE.replace("q-good", "q-two").replace("1.4.live-migration", "1.4.nope")
               .replace("Which protocol", "What protocol"))
    assert problems(root) == [
        "questions/q.yaml:2: objective: objective '9.9' is not in the exam blueprint (1.1, 1.2, 1.3, 1.4)",
        "questions/r.yaml:3: skill: skill '1.4.nope' is not a sub-skill of objective 1.4 (1.4.live-migration, "
        "1.4.quick-migration, 1.4.storage-migration, 1.4.import-export, 1.4.network-health, 1.4.drain-on-shutdown)",
    ]


def test_duplicate_id_across_files_names_the_first(root):
    root.write("questions/q.yaml", GOOD_SINGLE)
    root.write("questions/r.yaml", GOOD_SINGLE.replace("Which protocol", "What protocol"))
    assert problems(root) == ["questions/r.yaml:1: id: question id 'q-good' is already used at questions/q.yaml:1"]


def test_duplicate_stem(root):
    root.write("questions/q.yaml", GOOD_SINGLE)
    root.write("questions/r.yaml", GOOD_SINGLE.replace("q-good", "q-other"))
    assert problems(root) == ["questions/r.yaml:5: stem: same stem as question 'q-good'"]


def test_lab_link_must_name_an_existing_step(root):
    root.write("questions/q.yaml", GOOD_SINGLE + "  lab: no-such-lab#step1\n")
    assert problems(root) == ["questions/q.yaml:14: lab: lab 'no-such-lab' does not exist"]


def test_dropdown_markers_must_match_blanks(root):
    root.write("questions/q.yaml", """
        - id: q-dd
          objective: "1.4"
          skill: 1.4.live-migration
          type: dropdown
          stem: "Run {{cmd}} to enable it."
          blanks:
            - id: verb
              options: [{id: x, text: Enable-VMMigration}, {id: y, text: Set-VM}]
              answer: x
          explanation: Enable-VMMigration turns it on.
          option_explanations: {x: Right., y: Wrong.}
          references: [{title: Enable-VMMigration, url: "https://learn.microsoft.com/x"}]
        """)
    assert problems(root) == [
        "questions/q.yaml:1: [0]: stem markers {{…}} (cmd) must match blanks (verb) one to one"]


def test_question_file_must_be_a_list(root):
    root.write("questions/q.yaml", "id: q1\n")
    assert problems(root) == ["questions/q.yaml:1: a question file holds a list (items start with '- ')"]


def test_missing_scenario(root):
    root.write("questions/q.yaml", GOOD_SINGLE + "  scenario: nowhere\n")
    assert problems(root) == ["questions/q.yaml:14: scenario: scenario 'nowhere' is not defined in questions/scenarios.yaml"]


LAB = """
id: lab1
title: Enable migration
objectives: ["1.4"]
skills: [1.4.live-migration]
topology: standalone-pair
estimated_minutes: 15
steps:
  - id: enable
    title: Enable live migration on HV2
    instructions: Turn on incoming and outgoing live migrations on HV2.
    checks:
      - {host: HV2, property: VirtualMachineMigrationEnabled, equals: true}
    solution: Enable-VMMigration -ComputerName HV2
"""


def test_lab_checks_name_hosts_of_its_topology(root):
    root.write("labs/lab1.yaml", LAB.replace("{host: HV2", "{host: HV9"))
    assert problems(root) == ["labs/lab1.yaml:12: steps[0].checks[0].host: host 'HV9' is not in topology 'standalone-pair'"]


def test_lab_topology_must_exist(root):
    root.write("labs/lab1.yaml", LAB.replace("topology: standalone-pair", "topology: nowhere"))
    assert problems(root) == [
        "labs/lab1.yaml:5: topology: topology 'nowhere' is not a file in labs/topologies "
        "(known: standalone-pair, two-node-cluster)"]


def test_check_needs_exactly_one_operator(root):
    root.write("labs/lab1.yaml", LAB.replace(", equals: true}", "}"))
    assert problems(root) == [
        "labs/lab1.yaml:12: steps[0].checks[0]: a check needs exactly one operator of equals, not_equals, in, "
        "contains, not_contains, startswith, matches, count, exists, lt, le, gt, ge; found none"]


def test_question_link_to_lab_step_resolves(root):
    root.write("labs/lab1.yaml", LAB)
    root.write("questions/q.yaml", GOOD_SINGLE + "  lab: lab1#enable\n")
    assert problems(root) == []
    root.write("questions/q.yaml", GOOD_SINGLE + "  lab: lab1#missing\n")
    assert problems(root) == ["questions/q.yaml:14: lab: lab 'lab1' has no step 'missing'"]


def test_topology_references_must_resolve(root):
    root.write("labs/topologies/bad.yaml", """
        name: bad
        hosts:
          - name: HV1
            switches: [{name: External}]
        vms:
          - {name: VM1, host: HV3, adapters: [{switch: External}]}
          - {name: VM2, host: HV1, adapters: [{switch: Internal}]}
        """)
    assert problems(root) == [
        "labs/topologies/bad.yaml:1: VM VM1 is on host 'HV3', which is not a host; VM VM2 adapter 'Network "
        "Adapter' is connected to switch 'Internal', which host HV1 does not have"]


def test_topology_host_setting_must_be_a_get_vmhost_property(root):
    root.write("labs/topologies/bad.yaml", """
        name: bad
        hosts:
          - name: HV1
            settings: {VirtualMachineMigrationAuthenticationType: NTLM}
        """)
    assert problems(root) == [
        "labs/topologies/bad.yaml:4: hosts[0].settings: VirtualMachineMigrationAuthenticationType must be one of "
        "CredSSP, Kerberos, not 'NTLM'"]


def test_validate_prints_problems_and_exits_1(root, capsys):
    root.write("questions/q.yaml", GOOD_SINGLE.replace("answer: a", "answer: z"))
    assert main(["validate", str(root.path / "questions" / "q.yaml")]) == 1
    assert capsys.readouterr().out == "questions/q.yaml:9: [0].answer: answer 'z' is not an option id (a, b)\n"


def test_validate_missing_path_is_usage_error(root, capsys):
    assert main(["validate", "nowhere.yaml"]) == 2
    assert "nowhere.yaml: no such file or folder" in capsys.readouterr().err


def test_no_traceback_on_binary_garbage(root):
    (root.path / "questions" / "q.yaml").write_bytes(b"\xff\xfe\x00garbage")
    result = subprocess.run([sys.executable, "-m", "engine", "validate", str(root.path)], capture_output=True,
                            text=True, cwd=root.path, env={"PYTHONPATH": str(REPO_ROOT)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("questions/q.yaml:1: not UTF-8 text")
