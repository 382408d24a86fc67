"""A new user opens the app and sees the objectives with their question counts."""
import pytest

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.browser


def test_home_page_shows_the_objectives(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    page.get_by_text("70-412 trainer").first.wait_for()
    body = page.inner_text("body")
    assert "1.4 Manage virtual machine (VM) movement" in body
    assert "questions" in body
    screenshot(page, "home")
