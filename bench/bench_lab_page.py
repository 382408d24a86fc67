"""The lab page's server-side cost, as AppTest reruns against a throwaway store: a plain rerun of the Labs page
(the picker, the step, the console history, every GUI dialog, the diagram from a fresh snapshot) and the time
from pressing "Check" to its result (the check on one snapshot, the store write, the rerun that shows it).

The lab is "The Move wizard's choices" (6 steps, 5 VMs on 2 hosts) with a few commands in the console and two
finished moves, so the history, the migrations panel and the pass chart are all drawn.

AppTest leaves out the server runtime, the websocket and the browser. When Debian's chromium is installed, the
same Check is also timed in a real browser against ``streamlit run``: from the click until the script has run and
the page is idle again (what a learner waits for).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.harness import ratio_vs, summarise, throwaway_app_data, time_ms

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
CHROMIUM = "/usr/bin/chromium"
#: Set before the click, true once the script has gone from running back to idle (Streamlit's own attribute).
WATCH_RERUN = """() => { window.__rerun = {seen: false, done: false};
  const app = document.querySelector('[data-testid=stApp]');
  new MutationObserver(() => { const s = app.getAttribute('data-test-script-state');
    if (s === 'running') window.__rerun.seen = true;
    if (s === 'notRunning' && window.__rerun.seen) window.__rerun.done = true; }).observe(app, {attributes: true}); }"""
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


def _serve(data: str) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on a free loopback port with its own data folder, once it answers."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, TRAINER_DATA_DIR=data, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def _browser_check_ms(repeat: int) -> list[float]:
    """Milliseconds from clicking Check in chromium until the page is idle again, on the Labs page's first lab."""
    from playwright.sync_api import sync_playwright

    idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
    with tempfile.TemporaryDirectory() as data:
        proc, url = _serve(data)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{url}/labs?learner=bench")
                page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for(timeout=60000)
                page.wait_for_selector(idle)
                samples = []
                for _ in range(repeat + 2):  # the first two warm the page up
                    page.evaluate(WATCH_RERUN)
                    started = time.perf_counter()
                    page.locator(".st-key-lab_check button").click()
                    page.wait_for_function("window.__rerun.done", timeout=30000)
                    samples.append((time.perf_counter() - started) * 1000.0)
                    page.wait_for_selector(idle)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    return samples[2:]


def run(quick: bool) -> list[dict]:
    """p50/p95 milliseconds: a rerun (target p95 < 250 ms) and Check to result (target p95 < 300 ms)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    repeat = 15 if quick else 60
    with throwaway_app_data():
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
    base = "labs page: empty page rerun (AppTest baseline)"

    return [
        summarise("labs page rerun (console history, dialogs, diagram)", rerun_ms, "ms", target=250, on="p95",
                  lab=LAB, baseline=base, ratio_vs_baseline=ratio_vs(rerun_ms, baseline)),
        summarise("labs page Check to result (emulated lab, store write, rerun)", check_ms, "ms", target=300,
                  on="p95", lab=LAB, baseline=base, ratio_vs_baseline=ratio_vs(check_ms, baseline)),
        summarise(base, baseline, "ms"),
    ] + ([summarise("labs page Check to result in chromium (click until idle, streamlit run)",
                    _browser_check_ms(10 if quick else 30), "ms", target=300, on="p95", lab="first lab")]
         if shutil.which(CHROMIUM) else [])
