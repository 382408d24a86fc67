"""A whole lab in a real browser, as a learner does it: "Cluster moves" — the Move wizard puts VM1's storage
on the CSV, a typed command live-migrates it, Failover Cluster Manager quick-migrates it back; Check after each.

Screenshots of each stage at 1280×800 (tall, the lab page is long) go to test-artifacts/lab-*.png.
"""
import re

import pytest

from engine.store import Store
from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.browser

LAB = "lab-cluster-moves"
LEARNER = "lab-learner"


@pytest.fixture(autouse=True)
def patient(page):
    """A lab action reruns a whole lab page; on a loaded CI machine that can take longer than the default."""
    page.set_default_timeout(45000)


def shot(page, name: str, height: int = 2200) -> None:
    """A tall screenshot once the widgets have loaded (Streamlit scrolls inside its own container)."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_load_state("networkidle")
    wait_idle(page)
    if page.locator("[data-testid='stGraphVizChart']").count():
        page.locator("[data-testid='stGraphVizChart'] svg").first.wait_for()  # drawn last, in the browser
    screenshot(page, name)
    page.set_viewport_size(size)


def click(page, key: str) -> None:
    page.locator(f".st-key-{key} button").first.click()
    page.wait_for_timeout(300)  # the script state can read "notRunning" for a moment before the rerun starts
    wait_idle(page)


def choose(page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox with Streamlit key ``key``."""
    page.locator(f".st-key-{key} input[role='combobox']").click()
    page.get_by_role("option", name=option).first.click()
    page.wait_for_timeout(300)
    wait_idle(page)


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_idle(page)


def step(page, title: str) -> None:
    page.locator(f".st-key-lab_step_{LAB} label").filter(has_text=title).click()
    page.wait_for_timeout(300)
    wait_idle(page)


def check(page) -> str:
    click(page, "lab_check")
    page.get_by_text("checks passed").or_(page.get_by_text("every check passed")).first.wait_for()
    return page.inner_text("[data-testid='stMain']")


def test_do_the_cluster_moves_lab(page, app_url, app_data):
    page.goto(f"{app_url}/labs?learner={LEARNER}")
    wait_idle(page)
    # A cold server imports the engine on the first visit.
    page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for(timeout=60000)
    choose(page, "lab_pick", "Clustered VMs — storage onto the CSV")
    shot(page, "lab-start")

    # Step 1: the Move wizard, "Move the virtual machine's storage" to the cluster shared volume.
    tab(page, "Move wizard")
    page.locator(".st-key-gui_mv_type label").filter(has_text="Move the virtual machine's storage").click()
    wait_idle(page)
    folder = page.locator(".st-key-gui_mv_VM1_st_folder input")
    folder.fill("C:\\ClusterStorage\\Volume1\\VM1")
    folder.press("Enter")
    wait_idle(page)
    shot(page, "lab-move-wizard")
    click(page, "gui_mv_finish")
    assert "every check passed" in check(page)

    # Step 2: typed in the console.
    step(page, "Live-migrate VM1")
    tab(page, "PowerShell")
    box = page.locator(".st-key-console_input textarea")
    box.fill("Move-ClusterVirtualMachineRole -Name VM1 -Node HV2 -MigrationType Live")
    box.press("Control+Enter")
    wait_idle(page)
    click(page, "console_run")
    page.get_by_text("HV1 PS C:\\> Move-ClusterVirtualMachineRole").first.wait_for()
    shot(page, "lab-console")
    assert "every check passed" in check(page)

    # Step 3: Failover Cluster Manager, Move > Quick Migration.
    step(page, "Quick-migrate VM1")
    tab(page, "Failover Cluster Manager")
    page.locator(".st-key-gui_fc_move label").filter(has_text="Quick Migration").click()
    wait_idle(page)
    click(page, "gui_fc_move_ok")
    body = check(page)
    assert "every check passed" in body
    assert page.get_by_role("tab", name="Failover Cluster Manager").get_attribute("aria-selected") == "true"
    shot(page, "lab-done")
    assert "Live vs quick migration" in body

    store = Store.open(data_dir=app_data)
    learner = store.learner(LEARNER)
    results = store.step_results(store.latest_lab_session(learner.id, LAB).id)
    assert [r["status"] for r in results] == ["passed", "passed", "passed"]


def run_in_console(page, script: str) -> None:
    box = page.locator(".st-key-console_input textarea")
    box.fill(script)
    box.press("Control+Enter")
    wait_idle(page)
    click(page, "console_run")


def test_a_move_started_as_a_job_shows_its_progress_then_its_passes(page, app_url):
    page.goto(f"{app_url}/labs?learner=job-watcher")
    page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for(timeout=60000)
    wait_idle(page)
    choose(page, "lab_pick", "The Move wizard's choices")
    run_in_console(page, "Move-VMStorage -VMName VM4 -DestinationStoragePath 'E:\\VMs\\VM4' -AsJob")
    page.get_by_text("Migrations in progress").wait_for()
    page.locator("[data-testid='stProgress']").first.wait_for()
    page.get_by_text(re.compile(r"simulated clock [1-9]")).wait_for()  # the clock moves without a click
    shot(page, "lab-job-running")
    click(page, "jobs_finish")
    page.get_by_text("Total time").first.wait_for()
    assert page.locator("[data-testid='stProgress']").count() == 0
    run_in_console(page, "Move-VM -Name VM3 -DestinationHost HV2")
    page.get_by_text("Memory sent per pre-copy pass").or_(page.locator("[data-testid='stVegaLiteChart']")) \
        .first.wait_for()
    shot(page, "lab-job-passes")
    assert "Total time" in page.inner_text("[data-testid='stMain']")


def test_the_instructor_view_and_a_learners_refusal(page, app_url, app_data):
    page.goto(f"{app_url}/instructor?learner=curious-learner")
    page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for(timeout=60000)
    wait_idle(page)
    assert "This page is for instructors" in page.inner_text("[data-testid='stMain']")
    shot(page, "instructor-refused", height=900)
    Store.open(data_dir=app_data).set_role(Store.open(data_dir=app_data).learner("teacher").name, "instructor")
    page.goto(f"{app_url}/instructor?learner=teacher")
    page.get_by_text("Class roster").wait_for(timeout=60000)
    wait_idle(page)
    shot(page, "instructor-roster", height=1400)
    assert "Reset this learner's lab" in page.inner_text("[data-testid='stMain']")
