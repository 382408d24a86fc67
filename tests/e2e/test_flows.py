"""Whole flows in a real browser: a learner studies an item and sits a short exam to its score report.

Screenshots of every page at 1280×800, and the home, study and exam pages at a phone's width (390×844), go to
test-artifacts/.
"""
from datetime import datetime, timedelta, timezone

import pytest

from engine.store import Store
from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.browser


def click(page, key: str, expect: str) -> None:
    """Press the button with Streamlit key ``key`` and wait until the page shows ``expect`` (the script state
    can still read "notRunning" for a moment after a click, before the rerun starts)."""
    page.locator(f".st-key-{key} button").first.click()
    page.get_by_text(expect).first.wait_for()
    wait_idle(page)


def shot(page, name: str) -> None:
    """A screenshot once the widgets' code has loaded (before that, Streamlit draws grey placeholders)."""
    page.wait_for_load_state("networkidle")
    wait_idle(page)
    screenshot(page, name)


def tall_screenshot(page, name: str, height: int = 2400) -> None:
    """A screenshot with a tall viewport: Streamlit scrolls inside its own container, so a full-page shot of
    the 800 px viewport would cut long pages (the score report, feedback) off."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    shot(page, name)
    page.set_viewport_size(size)


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for()


def test_sit_a_short_exam_and_see_the_score(page, app_url):
    open_page(page, f"{app_url}/?learner=examinee")
    assert "Hello, examinee" in page.inner_text("body")
    shot(page, "home-1280")
    open_page(page, f"{app_url}/exam?learner=examinee")
    shot(page, "exam-start-1280")
    click(page, "exam_start", "Time left")
    assert "Item 1 of" in page.inner_text("body")
    page.get_by_text("Flag for review").click()
    page.locator(".st-key-exam_jump_1_0_1").wait_for()  # the jump list is redrawn with the flag counted
    wait_idle(page)
    shot(page, "exam-item-1280")
    click(page, "exam_next", "Item 2 of")
    click(page, "exam_review", "Review before submitting")
    body = page.inner_text("body")
    assert "Review before submitting" in body and "1 flagged" in body
    shot(page, "exam-review-1280")
    click(page, "exam_submit", "Scaled score")
    body = page.inner_text("body")
    assert "Fail" in body and "By objective" in body and "Your attempts" in body
    shot(page, "exam-report-1280")
    tall_screenshot(page, "exam-report-1280-tall")


def test_study_an_item_with_feedback(page, app_url):
    open_page(page, f"{app_url}/study?learner=student")
    shot(page, "study-setup-1280")
    click(page, "study_start", "Item 1 of")
    click(page, "study_reveal", "Answer shown")
    assert "Right answer" in page.inner_text("body")
    shot(page, "study-feedback-1280")
    tall_screenshot(page, "study-feedback-1280-tall")
    for name in ("review", "content"):
        open_page(page, f"{app_url}/{name}?learner=student")
        shot(page, f"{name}-1280")


def test_pages_fit_a_phone(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.set_default_timeout(20000)
    try:
        open_page(phone, f"{app_url}/?learner=phone")
        shot(phone, "home-390")
        open_page(phone, f"{app_url}/study?learner=phone")
        click(phone, "study_start", "Item 1 of")
        shot(phone, "study-390")
        open_page(phone, f"{app_url}/exam?learner=phone")
        click(phone, "exam_start", "Time left")
        shot(phone, "exam-390")
        click(phone, "exam_review", "Review before submitting")
        shot(phone, "exam-review-390")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways ({width}px)"
    finally:
        context.close()


def test_study_can_be_started_and_answered_from_the_keyboard(page, app_url):
    """Tab reaches the buttons and Enter presses them: the flow works without a mouse."""
    open_page(page, f"{app_url}/study?learner=keyboard")
    page.wait_for_load_state("networkidle")

    def tab_to(label: str) -> None:
        """Press Tab until the button labelled ``label`` has the focus."""
        for _ in range(60):
            page.keyboard.press("Tab")
            focused = page.evaluate("[document.activeElement.tagName, document.activeElement.innerText || '']")
            if focused[0] == "BUTTON" and label in focused[1]:
                return
        raise AssertionError(f"Tab never reached {label!r}")

    tab_to("Start studying")
    page.keyboard.press("Enter")
    page.get_by_text("Item 1 of").first.wait_for()
    wait_idle(page)
    tab_to("Show answer")
    page.keyboard.press("Enter")
    page.get_by_text("Answer shown").first.wait_for()


def test_the_countdown_submits_the_exam_at_zero(page, app_url, app_data):
    """The store is moved so the exam started 59 min 54 s ago; the open page's countdown reaches zero and the
    report appears without a click."""
    open_page(page, f"{app_url}/exam?learner=timer")
    click(page, "exam_start", "Time left")
    store = Store.open(data_dir=app_data)
    saved = store.open_quiz_session(store.learner("timer").id, "exam")
    started = datetime.now(timezone.utc) - timedelta(minutes=60) + timedelta(seconds=6)
    store.save_quiz_session(saved.id, {**saved.state, "started_at": started.isoformat()})
    open_page(page, f"{app_url}/exam?learner=timer")  # a refresh resumes the session from the store
    assert "Time left 00:0" in page.inner_text("body")
    page.get_by_text("Submitted automatically when the time ran out.").wait_for(timeout=20000)
    page.get_by_text("Scaled score").first.wait_for()
