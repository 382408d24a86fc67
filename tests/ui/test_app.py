"""The app as a whole: every page runs on the repository's bank; learner profiles are remembered."""
from __future__ import annotations

import pytest

from engine.store import Store
from tests.ui.conftest import app, text


@pytest.mark.parametrize("page", ["ui/home.py", "ui/study.py", "ui/review.py", "ui/exam.py", "ui/content.py"])
def test_every_page_runs_on_the_real_bank(page):
    at = app(page=page)
    assert not at.exception, at.exception
    assert at.title


def test_home_shows_readiness_per_objective():
    at = app()
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "readiness" in spec
    assert "Hello, learner" in text(at)


def test_a_default_profile_is_created_and_put_in_the_url():
    at = app()
    assert at.selectbox(key="learner_pick").value == "learner"
    assert at.query_params["learner"] == "learner"


def test_a_new_profile_becomes_current_and_is_remembered_for_the_next_visit():
    at = app()
    at.text_input(key="learner_new").input("ada")
    at.button(key="learner_create").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="learner_pick").value == "ada"
    assert "Hello, ada" in text(at)
    assert Store.open().get_setting("last_learner") == "ada"
    again = app()
    assert again.selectbox(key="learner_pick").value == "ada"


def test_the_profile_in_the_url_wins():
    Store.open().learner("grace")
    at = app(learner="grace")
    assert at.selectbox(key="learner_pick").value == "grace"


def test_switching_profiles_keeps_progress_apart():
    at = app()
    at.text_input(key="learner_new").input("ada")
    at.button(key="learner_create").click().run()
    at.selectbox(key="learner_pick").set_value("learner").run()
    assert "Hello, learner" in text(at)


def test_no_sign_in_button_without_auth_configuration():
    at = app()
    assert not [b for b in at.button if b.key == "login"]



AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "secret", "client_id": "id",
        "client_secret": "secret", "server_metadata_url": "https://login.example.com/.well-known/openid-configuration"}


def test_a_sign_in_button_when_auth_is_configured():
    at = app(auth=AUTH)
    assert not at.exception, at.exception
    assert at.button(key="login").label == "Sign in"


class SignedIn:
    """Stands in for ``st.user`` after an OIDC sign-in (AppTest cannot sign in)."""

    @staticmethod
    def to_dict():
        return {"is_logged_in": True, "email": "ada@example.com", "name": "Ada Lovelace"}


def test_a_signed_in_account_is_the_learner(monkeypatch):
    monkeypatch.setattr("streamlit.user", SignedIn())
    at = app(auth=AUTH)
    assert not at.exception, at.exception
    assert "Hello, Ada Lovelace" in text(at)
    assert at.button(key="logout").label == "Sign out"
    assert [p.name for p in Store.open().learners()] == ["ada@example.com"]
