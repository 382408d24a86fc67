"""The lab page's server-side cost, as AppTest reruns against a throwaway store: a plain rerun of the Labs page
(the picker, the step, the console history, every GUI dialog, the diagram from a fresh snapshot) and the time
from pressing "Check" to its result (the check on one snapshot, the store write, the rerun that shows it).

The lab is "The Move wizard's choices" (6 steps, 5 VMs on 2 hosts) with a few commands in the console and two
finished moves, so the history, the migrations panel and the pass chart are all drawn.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bench.harness import percentile, summarise, time_ms

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60
LAB = "lab-move-options"
COMMANDS = ("Get-VM | Format-Table Name, State, ComputerName", "Move-VM -Name VM3 -DestinationHost HV2",
            "Move-VMStorage -VMName VM4 -DestinationStoragePath 'E:\\VMs\\VM4'", "Get-VMHost | Format-List *")


def _lab_page():
    """The Labs page on :data:`LAB` after the :data:`COMMANDS` ran in its console."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("ui/labs.py").run()
    at.selectbox(key="lab_pick").set_value(LAB).run()
    at.radio(key=f"lab_step_{LAB}").set_value("vm-only").run()
    for script in COMMANDS:
        at.text_area(key="console_input").input(script)
        at.button(key="console_run").click().run()
    if at.exception:
        raise RuntimeError(f"labs page: {at.exception[0].message}")
    return at


def run(quick: bool) -> list[dict]:
    """p50/p95 milliseconds: a rerun (target p95 < 250 ms) and Check to result (target p95 < 300 ms)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    repeat = 15 if quick else 60
    saved = os.environ.get("TRAINER_DATA_DIR")
    with tempfile.TemporaryDirectory() as data:
        os.environ["TRAINER_DATA_DIR"] = data
        st.cache_resource.clear()  # the store is per process: open it in the throwaway folder
        try:
            at = _lab_page()
            empty = AppTest.from_string("import streamlit as st\nst.write('baseline')", default_timeout=TIMEOUT)
            time_ms(empty.run, repeat=0, warmup=2)
            time_ms(at.run, repeat=0, warmup=2)
            baseline, rerun_ms = [], []
            for _ in range(repeat):  # interleaved with the baseline, so that both see the same load
                baseline += time_ms(empty.run, repeat=1, warmup=0)
                rerun_ms += time_ms(at.run, repeat=1, warmup=0)
            check_ms = time_ms(lambda: at.button(key="lab_check").click().run(), repeat=repeat)
            if not at.success or not at.get("graphviz_chart"):
                raise RuntimeError("the timed reruns did not draw the checked step and its diagram")
        finally:
            st.cache_resource.clear()
            if saved is None:
                os.environ.pop("TRAINER_DATA_DIR", None)
            else:
                os.environ["TRAINER_DATA_DIR"] = saved
    base = "labs page: empty page rerun (AppTest baseline)"

    def ratio(samples: list[float]) -> float:
        return round(percentile(samples, 50) / percentile(baseline, 50), 2)

    return [
        summarise("labs page rerun (console history, dialogs, diagram)", rerun_ms, "ms", target=250, on="p95",
                  lab=LAB, baseline=base, ratio_vs_baseline=ratio(rerun_ms)),
        summarise("labs page Check to result (emulated lab, store write, rerun)", check_ms, "ms", target=300,
                  on="p95", lab=LAB, baseline=base, ratio_vs_baseline=ratio(check_ms)),
        summarise(base, baseline, "ms"),
    ]
