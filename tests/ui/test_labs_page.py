"""Labs page: the console and every GUI dialog change the learner's lab (and its diagram) exactly as the
PowerShell they stand for; Check / Do it for me / Reset on every lab's first step; migrations' progress and
charts; the session resumes from the store; Study's "Open the lab step" opens the linked step."""
from __future__ import annotations

import pytest

from engine.content.loader import load_catalog
from engine.hyperv import Lab
from engine.labs.build import build_emulated
from engine.store import Store
from tests.ui.conftest import app, text
from tests.winrm.conftest import start  # noqa: F401  (fixture: the WinRM emulator)

CATALOG = load_catalog()
PAGE = "ui/labs.py"


def on_lab(lab_id: str, step_id: str | None = None):
    """The Labs page on ``lab_id`` (and ``step_id``)."""
    at = app(page=PAGE)
    at.selectbox(key="lab_pick").set_value(lab_id).run()
    if step_id:
        at.radio(key=f"lab_step_{lab_id}").set_value(step_id).run()
    assert not at.exception, at.exception
    return at


def saved_state(lab_id: str):
    """The lab state of the learner's stored session (what a refresh resumes)."""
    store = Store.open()
    learner = store.learner("learner")
    return Lab.from_json(store.latest_lab_session(learner.id, lab_id).state["state"]).snapshot()


def comparable(state) -> dict:
    """A snapshot without times (two ways of doing the same thing may start jobs at other moments)."""
    data = state.model_dump(by_alias=True)
    data.pop("Clock")
    data["Jobs"] = [(j["Kind"], j["VMName"], j["Source"], j["Destination"], j["State"]) for j in data["Jobs"]]
    return data


def solved(lab_id: str, *step_ids: str):
    """A fresh lab after the steps' solutions, as "Do it for me" runs them."""
    lab = CATALOG.lab(lab_id)
    backend = build_emulated(lab, CATALOG)
    for step_id in step_ids:
        step = lab.step(step_id)
        assert not backend.run(step.solution, host=step.logon).had_errors
    return backend.snapshot()


def console(at, script: str, host: str | None = None):
    if host:
        at.selectbox(key="console_host").set_value(host).run()
    at.text_area(key="console_input").input(script)
    at.button(key="console_run").click().run()
    assert not at.exception, at.exception
    return at


def output_of(at, script: str, host: str) -> str:
    """What the console printed for the newest run of ``script`` at ``host``."""
    codes = [c.value for c in at.code]
    prompt = max(i for i, v in enumerate(codes) if v == f"{'ADMIN-PC' if host == 'remote' else host} PS C:\\> {script}")
    return codes[prompt + 1]


def diagram(at) -> str:
    return at.get("graphviz_chart")[0].proto.spec


def host_box(dot: str, host: str) -> str:
    start = dot.index(f'subgraph "cluster_host_{host}"')
    return dot[start:dot.index("}", start)]


# --- console --------------------------------------------------------------------------------------------------

def test_a_console_command_changes_the_lab_and_the_diagram():
    at = on_lab("lab-move-options", "vm-only")
    assert '"vm:VM3"' in host_box(diagram(at), "HV1")
    console(at, "Move-VM -Name VM3 -DestinationHost HV2")
    assert '"vm:VM3"' in host_box(diagram(at), "HV2")
    assert saved_state("lab-move-options").VMs[2].ComputerName == "HV2"


def test_console_output_is_printed_as_the_interpreter_renders_it_and_errors_in_red():
    at = on_lab("lab-prepare-hosts")
    console(at, "Get-VMHost -ComputerName HV1 | Format-Table Name, VirtualMachineMigrationEnabled")
    expected = build_emulated(CATALOG.lab("lab-prepare-hosts"), CATALOG).run(
        "Get-VMHost -ComputerName HV1 | Format-Table Name, VirtualMachineMigrationEnabled").text
    assert expected.strip("\n") in [c.value for c in at.code]  # st.code trims the blank edge lines
    console(at, "Get-VM -Name Nope")
    errors = [h for h in at.get("html") if "ps-error" in h.proto.body]
    assert errors and "unable to find a virtual machine" in errors[-1].proto.body


def test_the_console_runs_where_it_is_signed_in():
    at = on_lab("lab-kerberos")
    console(at, "$env:COMPUTERNAME", host="remote")
    assert output_of(at, "$env:COMPUTERNAME", "remote") == "ADMIN-PC"
    console(at, "$env:COMPUTERNAME", host="HV2")
    assert output_of(at, "$env:COMPUTERNAME", "HV2") == "HV2"


# --- GUI dialogs: the same state as their PowerShell ---------------------------------------------------------

def test_hyperv_settings_live_migrations_equal_the_prepare_hosts_solutions():
    at = on_lab("lab-prepare-hosts")
    for host in ("HV1", "HV2"):
        at.selectbox(key="gui_hs_host").set_value(host).run()
        k = f"gui_hs_{host}"
        at.checkbox(key=f"{k}_enabled").check()
        at.number_input(key=f"{k}_maxvm").set_value(4)
        at.number_input(key=f"{k}_maxst").set_value(4)
        at.radio(key=f"{k}_any").set_value(False).run()
        at.text_area(key=f"{k}_nets").input("10.0.1.0/24\n192.168.1.0/24")
        at.radio(key=f"{k}_auth").set_value("Kerberos")
        at.radio(key=f"{k}_perf").set_value("SMB").run()
        at.button(key="gui_hs_ok").click().run()
        assert not at.exception, at.exception
    assert comparable(saved_state("lab-prepare-hosts")) == comparable(
        solved("lab-prepare-hosts", "enable", "authentication", "simultaneous", "networks", "performance"))


@pytest.mark.parametrize("step_id, vm, kind, option, fields", [
    ("one-folder", "VM1", "vm", "single", {"folder": "D:\\VMs\\VM1"}),
    ("vm-only", "VM3", "vm", "vm-only", {}),
    ("storage-all", "VM4", "storage", None, {"st_folder": "E:\\VMs\\VM4"}),
])
def test_the_move_wizard_equals_the_move_options_solutions(step_id, vm, kind, option, fields):
    at = on_lab("lab-move-options", step_id)
    at.selectbox(key="gui_mv_vm").set_value(f"{vm} on HV1").run()
    at.radio(key="gui_mv_type").set_value(kind).run()
    k = f"gui_mv_{vm}"
    if option:
        at.selectbox(key=f"{k}_dest").set_value("HV2").run()
        at.radio(key=f"{k}_option").set_value(option).run()
    else:
        at.radio(key=f"{k}_st_whole").set_value(True).run()
    for name, value in fields.items():
        at.text_input(key=f"{k}_{name}").input(value).run()
    at.button(key="gui_mv_finish").click().run()
    assert not at.exception, at.exception
    assert comparable(saved_state("lab-move-options")) == comparable(solved("lab-move-options", step_id))


def test_the_move_wizard_connects_a_differently_named_switch_from_compare_vms_report():
    at = on_lab("lab-switch-names", "compatibility-report")
    at.selectbox(key="gui_mv_vm").set_value("VM1 on HV1").run()
    at.radio(key="gui_mv_type").set_value("vm").run()
    at.radio(key="gui_mv_VM1_option").set_value("single").run()
    at.text_input(key="gui_mv_VM1_folder").input("D:\\VMs\\VM1").run()
    assert at.selectbox(key="gui_mv_VM1_switch_0").value == "Ext-Switch"
    assert any("Connect-VMNetworkAdapter -SwitchName 'Ext-Switch'" in c.value for c in at.code)
    at.button(key="gui_mv_finish").click().run()
    assert comparable(saved_state("lab-switch-names")) == comparable(solved("lab-switch-names",
                                                                           "compatibility-report"))


def test_processor_compatibility_in_vm_settings_equals_its_powershell():
    at = on_lab("lab-processor-compat", "compatibility-mode")
    at.selectbox(key="gui_vs_vm").set_value("VM1 on HV1").run()
    at.segmented_control(key="gui_vs_power").set_value("Shut Down").run()
    at.button(key="gui_vs_power_ok").click().run()
    at.checkbox(key="gui_vs_VM1_compat").check().run()
    at.button(key="gui_vs_compat_ok").click().run()
    at.segmented_control(key="gui_vs_power").set_value("Start").run()
    at.button(key="gui_vs_power_ok").click().run()
    assert not at.exception, at.exception
    assert comparable(saved_state("lab-processor-compat")) == comparable(solved("lab-processor-compat",
                                                                               "compatibility-mode"))


def test_protected_network_in_vm_settings_equals_its_powershell():
    at = on_lab("lab-health-drain", "unprotect")
    at.selectbox(key="gui_vs_vm").set_value("VM2 on HV1").run()
    at.checkbox(key="gui_vs_VM2_protected_0").uncheck().run()
    at.button(key="gui_vs_protected_ok_0").click().run()
    assert comparable(saved_state("lab-health-drain")) == comparable(solved("lab-health-drain", "unprotect"))


def test_failover_cluster_manager_storage_and_live_migration_equal_their_powershell():
    at = on_lab("lab-cluster-moves")
    at.radio(key="gui_fc_move").set_value("Storage").run()
    at.button(key="gui_fc_move_ok").click().run()
    at.radio(key="gui_fc_move").set_value("Live").run()
    at.selectbox(key="gui_fc_node").set_value("HV2").run()
    at.button(key="gui_fc_move_ok").click().run()
    assert not at.exception, at.exception
    assert comparable(saved_state("lab-cluster-moves")) == comparable(solved("lab-cluster-moves", "to-csv", "live"))


def test_pause_with_drain_and_resume_equal_their_powershell():
    at = on_lab("lab-health-drain", "drain")
    at.selectbox(key="gui_fc_pnode").set_value("HV1").run()
    at.button(key="gui_fc_pause").click().run()
    assert comparable(saved_state("lab-health-drain")) == comparable(solved("lab-health-drain", "drain"))
    at.button(key="gui_fc_resume").click().run()
    assert comparable(saved_state("lab-health-drain")) == comparable(solved("lab-health-drain", "drain", "resume"))


def test_drain_on_shutdown_property_runs_its_powershell():
    at = on_lab("lab-health-drain", "drain-on-shutdown")
    at.checkbox(key="gui_fc_CLU1_dos").check().run()
    at.button(key="gui_fc_dos_ok").click().run()
    assert saved_state("lab-health-drain").Clusters[0].DrainOnShutdown == 1


def test_the_delegation_tab_equals_set_adcomputer():
    at = on_lab("lab-kerberos", "delegate-hv1")
    at.selectbox(key="gui_ad_computer").set_value("HV1").run()
    at.multiselect(key="gui_ad_HV1").set_value(
        ["cifs/HV2", "cifs/HV2.contoso.com", "Microsoft Virtual System Migration Service/HV2",
         "Microsoft Virtual System Migration Service/HV2.contoso.com"]).run()
    at.button(key="gui_ad_ok").click().run()
    assert comparable(saved_state("lab-kerberos")) == comparable(solved("lab-kerberos", "delegate-hv1"))


def test_export_equals_export_vm():
    at = on_lab("lab-processor-compat", "export")
    at.selectbox(key="gui_ex_vm").set_value("VM2 on HV1").run()
    at.button(key="gui_ex_ok").click().run()
    assert comparable(saved_state("lab-processor-compat")) == comparable(solved("lab-processor-compat", "export"))
    assert any(o.endswith(".xml") for o in at.selectbox(key="gui_im_config").options)


# --- steps ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lab_id", sorted(CATALOG.labs))
def test_check_do_it_for_me_and_reset_on_the_first_step(lab_id):
    first = CATALOG.lab(lab_id).steps[0].id
    at = on_lab(lab_id, first)
    at.button(key="lab_check").click().run()
    assert at.error and "checks passed" in at.error[0].value
    assert "expected `" in text(at)
    at.button(key="lab_solve").click().run()
    assert not at.exception, at.exception
    assert "Step assisted" in at.success[0].value
    store = Store.open()
    sid = store.latest_lab_session(store.learner("learner").id, lab_id).id
    assert [r["status"] for r in store.step_results(sid)] == ["failed", "assisted"]
    at.button(key="lab_reset_step").click().run()
    assert "not started" in at.radio(key=f"lab_step_{lab_id}").options[0]
    at.button(key="lab_reset_lab").click().run()
    assert "reset to its start" in text(at)


def test_hints_come_one_at_a_time_and_are_recorded():
    at = on_lab("lab-prepare-hosts", "enable")
    at.button(key="lab_hint").click().run()
    at.button(key="lab_hint").click().run()
    assert len(at.info) >= 2
    store = Store.open()
    sid = store.latest_lab_session(store.learner("learner").id, "lab-prepare-hosts").id
    assert store.hints_used(sid) == {"enable": 2}


def test_a_step_with_needs_explains_what_to_do_first():
    at = on_lab("lab-cluster-moves", "live")
    at.button(key="lab_check").click().run()
    assert "needs step 'to-csv'" in at.warning[0].value


def test_the_session_resumes_after_a_restart():
    at = on_lab("lab-prepare-hosts", "enable")
    at.button(key="lab_solve").click().run()
    again = on_lab("lab-prepare-hosts")
    assert "assisted" in again.radio(key="lab_step_lab-prepare-hosts").options[0]
    assert saved_state("lab-prepare-hosts").Hosts[0].VirtualMachineMigrationEnabled


# --- migrations -----------------------------------------------------------------------------------------------

def test_a_running_move_has_a_progress_bar_and_a_finished_one_a_pass_chart():
    at = on_lab("lab-move-options", "vm-only")
    console(at, "Move-VM -Name VM3 -DestinationHost HV2 -AsJob")
    assert at.get("progress") and "live move of VM3" in at.get("progress")[0].proto.text
    at.button(key="jobs_finish").click().run()
    assert not at.get("progress")
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert "**Total time**" in text(at) and "**downtime**" in text(at)
    assert '"vm:VM3"' in host_box(diagram(at), "HV2")


def test_live_and_quick_migrations_are_compared_side_by_side():
    at = on_lab("lab-cluster-moves")
    at.button(key="lab_solve").click().run()
    for step_id in ("live", "quick"):
        at.radio(key="lab_step_lab-cluster-moves").set_value(step_id).run()
        at.button(key="lab_solve").click().run()
    table = at.dataframe[-1].value
    assert list(table.columns) == ["", "live", "quick"]
    assert table.set_index("").loc["from → to"].tolist() == ["HV1 → HV2", "HV2 → HV1"]


# --- from Study -----------------------------------------------------------------------------------------------

def test_studys_open_the_lab_step_opens_the_linked_step():
    at = app(page="ui/study.py")
    at.multiselect(key="study_objectives").set_value(["1.4"]).run()
    at.number_input(key="study_limit").set_value(1).run()
    at.button(key="study_start").click().run()
    at.button(key="study_reveal").click().run()
    link = next(b for b in at.button if b.key and b.key.startswith("lab_q"))
    question = CATALOG.question(link.key[len("lab_"):])
    lab_id, step_id = question.lab.split("#")
    link.click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="lab_pick").value == lab_id
    assert at.radio(key=f"lab_step_{lab_id}").value == step_id


# --- real hosts (the WinRM emulator on loopback stands in for them) --------------------------------------------

def use_real_hosts(at, targets, password: str):
    at.switch_page("ui/real_hosts.py").run()
    at.text_input(key="real_targets").input(str(targets))
    at.text_input(key="real_user").input("alice")
    at.text_input(key="real_password").input(password)
    at.button(key="real_on").click().run()
    assert not at.exception, at.exception
    return at


def test_on_real_hosts_the_console_runs_there_and_check_judges_their_state(start, tmp_path, monkeypatch):
    from tests.winrm.conftest import PASSWORD
    from tests.winrm.test_parity import host_names, make_factory, write_targets

    topology = CATALOG.root / "labs" / "topologies" / "fresh-pair.yaml"
    hosts = host_names(topology)
    targets = write_targets(tmp_path, start(make_factory(topology, None), hosts=hosts), hosts, monkeypatch)
    monkeypatch.delenv("LAB_TEST_PASSWORD")  # the page must hand over the typed credentials, not the environment
    at = use_real_hosts(app(), targets, PASSWORD)
    at.button(key="real_test").click().run()
    assert text(at).count("answered") == len(hosts)
    at.switch_page(PAGE).run()
    at.selectbox(key="lab_pick").set_value("lab-prepare-hosts").run()
    at.button(key="lab_check").click().run()
    assert "0 of 2 checks passed" in at.error[0].value
    assert at.button(key="lab_solve").disabled
    console(at, "Enable-VMMigration -ComputerName HV1, HV2", host="HV1")
    at.button(key="lab_check").click().run()
    assert "every check passed" in at.success[0].value
    assert not saved_state("lab-prepare-hosts").Hosts[0].VirtualMachineMigrationEnabled  # the emulator's lab


def test_real_hosts_that_refuse_the_credentials_are_named_with_the_cause(start, tmp_path, monkeypatch):
    from tests.winrm.test_parity import host_names, make_factory, write_targets

    topology = CATALOG.root / "labs" / "topologies" / "fresh-pair.yaml"
    hosts = host_names(topology)
    targets = write_targets(tmp_path, start(make_factory(topology, None), hosts=hosts), hosts, monkeypatch)
    at = use_real_hosts(app(), targets, "wrong")
    at.button(key="real_test").click().run()
    assert [e.value.split(" — ")[0] for e in at.error] == [f"**{h}** could not be reached" for h in hosts]
    assert "CredentialsRejectedError" in at.error[0].value


def test_a_missing_targets_file_is_explained(tmp_path):
    at = use_real_hosts(app(), tmp_path / "nope.yaml", "x")
    assert "nope.yaml" in at.error[0].value


def test_the_console_history_survives_a_restart():
    console(on_lab("lab-prepare-hosts"), "Get-VMHost -ComputerName HV1 | Select-Object -ExpandProperty Name")
    again = on_lab("lab-prepare-hosts")
    assert output_of(again, "Get-VMHost -ComputerName HV1 | Select-Object -ExpandProperty Name", "HV1") == "HV1"


def test_the_import_wizard_equals_import_vm():
    at = on_lab("lab-processor-compat", "export")
    at.button(key="lab_solve").click().run()
    at.radio(key="lab_step_lab-processor-compat").set_value("import").run()
    at.selectbox(key="console_host").set_value("HV3").run()
    config = next(o for o in at.selectbox(key="gui_im_config").options if o.endswith(".xml"))
    at.selectbox(key="gui_im_config").set_value(config).run()
    at.radio(key="gui_im_type").set_value("copy").run()
    at.text_input(key="gui_im_vmpath").input("D:\\VMs\\VM2").run()
    at.text_input(key="gui_im_vhdpath").input("D:\\VMs\\VM2\\Virtual Hard Disks").run()
    at.button(key="gui_im_ok").click().run()
    at.selectbox(key="gui_vs_vm").set_value("VM2 on HV3").run()
    at.segmented_control(key="gui_vs_power").set_value("Start").run()
    at.button(key="gui_vs_power_ok").click().run()
    assert not at.exception, at.exception
    assert comparable(saved_state("lab-processor-compat")) == comparable(solved("lab-processor-compat", "export",
                                                                               "import"))


def test_after_the_instructor_resets_a_learners_lab_it_starts_afresh():
    at = on_lab("lab-prepare-hosts", "enable")
    at.button(key="lab_solve").click().run()
    store = Store.open()
    store.delete_lab_sessions(store.learner("learner").id, "lab-prepare-hosts")
    at.run()
    assert not at.exception, at.exception
    assert "not started" in at.radio(key="lab_step_lab-prepare-hosts").options[0]
    assert not saved_state("lab-prepare-hosts").Hosts[0].VirtualMachineMigrationEnabled


def test_unreachable_real_hosts_are_named_on_the_lab_page(tmp_path, monkeypatch):
    from tests.support import free_port

    targets = tmp_path / "targets.yaml"
    targets.write_text(f"HV1: {{url: 'http://127.0.0.1:{free_port()}/wsman', transport: basic, "
                       "username_env: U, password_env: P}\n", encoding="utf-8")
    at = use_real_hosts(app(), targets, "x")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert "could not be read — HostUnreachableError: HV1" in at.error[-1].value


def test_the_simulated_clock_moves_by_real_time_times_the_chosen_speed(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("ui.lab_jobs.time.monotonic", lambda: now[0])
    at = on_lab("lab-move-options", "storage-all")
    console(at, "Move-VMStorage -VMName VM4 -DestinationStoragePath 'E:\\VMs\\VM4' -AsJob")
    at.segmented_control(key="jobs_speed").set_value(20).run()
    now[0] += 2.0
    at.run()
    assert "simulated clock 40.0 s (× 20)" in text(at)


def test_the_lab_picker_filters_by_objective_and_skill():
    at = app(page=PAGE)
    assert len(at.selectbox(key="lab_pick").options) == len(CATALOG.labs)
    at.selectbox(key="lab_skill").set_value("1.4.storage-migration").run()
    wanted = sorted(CATALOG.lab(i).title for i in CATALOG.labs if "1.4.storage-migration" in CATALOG.lab(i).skills)
    assert sorted(at.selectbox(key="lab_pick").options) == wanted
    assert len(at.dataframe[0].value) == len(wanted)
