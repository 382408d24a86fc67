"""``lab selftest LAB --target TARGETS.yaml`` over the WinRM emulator serving the lab as built for a learner
(topology, setup faults and setup script: ``make_lab_factory``): every step's checks fail before and pass after its
solution, run through a remote session; ``reset_lab`` (the lab's cleanup script) restores the initial snapshot."""
from __future__ import annotations

import pytest

from engine.commands import lab as lab_cli
from engine.content.loader import load_catalog
from engine.winrm_server.labhost import make_lab_factory
from tests.winrm.test_parity import write_targets


def serve(start, tmp_path, monkeypatch, lab_id: str):
    catalog = load_catalog()
    lab = catalog.lab(lab_id)
    topology = catalog.topology(lab.topology)
    hosts = [h.name for h in topology.hosts]
    servers = sorted({s.path.lstrip("\\").split("\\")[0] for s in topology.smb_shares})
    server = start(make_lab_factory(lab, catalog), hosts=hosts)
    return write_targets(tmp_path, server, hosts, monkeypatch, servers)


def selftest(capsys, *argv: str) -> tuple[int, list[str]]:
    code = lab_cli.main(["selftest", *argv])
    return code, capsys.readouterr().out.splitlines()


EXPECTED = {
    "lab-prepare-hosts": [
        "ok   lab-prepare-hosts enable: fails before, passes after the solution",
        "ok   lab-prepare-hosts authentication: fails before, passes after the solution",
        "ok   lab-prepare-hosts simultaneous: fails before, passes after the solution",
        "ok   lab-prepare-hosts networks: fails before, passes after the solution",
        "ok   lab-prepare-hosts performance: fails before, passes after the solution",
        "ok   lab-prepare-hosts reset_lab: the cleanup script restores the initial state",
        "selftest: 1 labs, 0 failure(s), 0 skipped",
    ],
    "lab-cluster-moves": [
        "ok   lab-cluster-moves to-csv: fails before, passes after the solution",
        "ok   lab-cluster-moves live: fails before, passes after the solution (2 job-log check(s) left out: real "
        "hosts keep no job log)",
        "skip lab-cluster-moves quick: skipped: its 4 checks all read the job log, which real hosts do not keep "
        "(the solution ran on HV1 without errors)",
        "ok   lab-cluster-moves reset_lab: the cleanup script restores the initial state",
        "selftest: 1 labs, 0 failure(s), 1 skipped",
    ],
    # drain-on-shutdown powers HV2 off: over WinRM it then does not answer (Online: False in the snapshot, from
    # what it last reported) and the cleanup cannot power it on, so reset_lab is skipped with the reason.
    "lab-health-drain": [
        "ok   lab-health-drain unprotect: fails before, passes after the solution",
        "skip lab-health-drain pull-cable: skipped: only its 3 job-log check(s) fail before the solution, and real "
        "hosts keep no job log (the solution ran on HV1 without errors; the other checks pass)",
        "ok   lab-health-drain drain: fails before, passes after the solution (1 job-log check(s) left out: real hosts "
        "keep no job log)",
        "skip lab-health-drain resume: skipped: its 2 checks all read the job log, which real hosts do not keep (the "
        "solution ran on HV1 without errors)",
        "ok   lab-health-drain drain-on-shutdown: fails before, passes after the solution (2 job-log check(s) left "
        "out: real hosts keep no job log)",
        "skip lab-health-drain reset_lab: skipped: HV2 does not answer (a step shut it down, and no cmdlet powers a "
        "computer on: start it out of band, as the cleanup script says), so the initial state cannot be compared",
        "selftest: 1 labs, 0 failure(s), 3 skipped",
    ],
    # A CredSSP move from a WinRM (remote) session is refused with 0x8009030E: try-from-workstation expects that
    # (expect_errors; its event-log check is left out: real hosts keep no event log here); the steps that need a
    # console logon are skipped; the cleanup script still restores the lab.
    "lab-credssp": [
        "ok   lab-credssp try-from-workstation: fails before, passes after the solution (1 event-log check(s) left "
        "out: real hosts keep no event log here)",
        "skip lab-credssp move-from-source: skipped: needs a console logon on HV1",
        "skip lab-credssp move-back: skipped: it needs move-from-source, which needs a console logon on HV1",
        "ok   lab-credssp reset_lab: the cleanup script restores the initial state",
        "selftest: 1 labs, 0 failure(s), 2 skipped",
    ],
}


@pytest.mark.parametrize("lab_id", sorted(EXPECTED))
def test_selftest_over_winrm(start, tmp_path, monkeypatch, capsys, lab_id):
    targets = serve(start, tmp_path, monkeypatch, lab_id)
    code, lines = selftest(capsys, lab_id, "--target", str(targets))
    assert code == 0, lines
    assert lines[:-1] == EXPECTED[lab_id][:-1]
    assert lines[-1] == f"{EXPECTED[lab_id][-1]} (on {targets})"


def test_the_served_lab_has_the_labs_setup(start, tmp_path, monkeypatch):
    """make_lab_factory applies the lab's faults and setup: the WinRM snapshot is the emulated build's."""
    from engine.backends.winrm import WinRMBackend
    from engine.labs.build import build_emulated

    catalog = load_catalog()
    lab = catalog.lab("lab-cluster-moves")
    targets = serve(start, tmp_path, monkeypatch, lab.id)
    expected = build_emulated(lab, catalog).snapshot()
    assert WinRMBackend(targets).snapshot() == expected.model_copy(update={"Jobs": [], "Clock": 0.0, "Events": []})


def test_selftest_target_needs_the_labs(start, tmp_path, monkeypatch, capsys):
    targets = serve(start, tmp_path, monkeypatch, "lab-prepare-hosts")
    assert lab_cli.main(["selftest", "--target", str(targets)]) == 2
    assert capsys.readouterr().err == ("python -m engine lab: selftest --target needs the labs the hosts are set up "
                                       "for (lab selftest LAB… --target TARGETS.yaml)\n")


def test_selftest_target_missing_file(capsys, tmp_path):
    assert lab_cli.main(["selftest", "lab-prepare-hosts", "--target", str(tmp_path / "nope.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err
