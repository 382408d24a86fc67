"""AppTest fixtures: a fresh data folder and cleared Streamlit caches per test, a small catalogue with one item of
each type, a settable clock, and helpers that drive the answer widgets by key."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from engine.quiz.answers import key_of
from tests.quiz.conftest import (SCENARIO, Clock, catalog, command, dropdown, exam, match, multiple, order,
                                 single)

TIMEOUT = 30
APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def fresh_app(tmp_path, monkeypatch):
    """Each test gets its own SQLite store and empty caches (the store and catalogue are per process)."""
    monkeypatch.setenv("TRAINER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TRAINER_CLOCK_OFFSET_SECONDS", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def small_catalog():
    """One item per type over two objectives; the single item sits in a case study and links a lab step."""
    questions = [single("s1", "1.1", "1.1.a", scenario=SCENARIO.id, lab="lab1#step1"),
                 multiple("m1", "1.1", "1.1.b"), order("o1", "1.2", "1.2.a"), match("x1", "1.2", "1.2.b"),
                 dropdown("d1", "1.1", "1.1.a"), command("c1", "1.2", "1.2.a")]
    return catalog(questions, exam(form_size=6, duration=30), scenarios=[SCENARIO])


@pytest.fixture
def small(monkeypatch):
    """Serve the small catalogue instead of the repository's content."""
    cat = small_catalog()
    monkeypatch.setattr("ui.catalog.load_catalog", lambda: cat)
    return cat


@pytest.fixture
def clock() -> Clock:
    return Clock()


def app(clock: Clock | None = None, page: str | None = None, learner: str | None = None,
        auth: dict | None = None) -> AppTest:
    """The app after its first run (optionally with an injected clock, ``?learner=`` in the URL, an ``[auth]``
    secrets section, and switched to ``page``)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if auth is not None:
        at.secrets["auth"] = auth
    if learner is not None:
        at.query_params["learner"] = learner
    if clock is not None:
        at.session_state["_clock"] = clock
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def current_id(at: AppTest) -> str:
    """The question id shown in the item caption ("Item n of N · type · ID <id>")."""
    for caption in at.caption:
        found = re.search(r"· ID (\S+)$", caption.value)
        if found:
            return found.group(1)
    raise AssertionError("no item on the page")


def text(at: AppTest) -> str:
    """Everything the page says in markdown, alerts and captions, for assertions on rendered text."""
    parts = [e.value for kind in ("markdown", "caption", "success", "error", "warning", "info", "title",
                                  "subheader") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def answer(at: AppTest, question, prefix: str, *, right: bool) -> None:
    """Set the item's widgets to the key (``right``) or to a wrong answer, without running the app."""
    key = f"{prefix}_{question.id}"
    good = key_of(question)
    kind = question.type
    if kind == "single":
        wrong = next(o.id for o in question.options if o.id != good.choice)
        at.radio(key=key).set_value(good.choice if right else wrong)
    elif kind == "multiple":
        wrong = [o.id for o in question.options if o.id not in good.choices][: question.choose]
        for option in (good.choices if right else wrong):
            at.checkbox(key=f"{key}_{option}").check()
    elif kind == "order":
        at.multiselect(key=key).set_value(list(good.steps) if right else list(reversed(good.steps)))
    elif kind == "match":
        rights = [o.id for o in question.right]
        for left, value in good.pairs.items():
            other = next(r for r in rights if r != value)
            at.selectbox(key=f"{key}_{left}").set_value(value if right else other)
    elif kind == "dropdown":
        for blank in question.blanks:
            other = next(o.id for o in blank.options if o.id != blank.answer)
            at.selectbox(key=f"{key}_{blank.id}").set_value(blank.answer if right else other)
    else:
        at.text_area(key=key).input(good.text if right else "Get-VM")


__all__ = ["app", "answer", "current_id", "text", "small_catalog", "Clock"]
