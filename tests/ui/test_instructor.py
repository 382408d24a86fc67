"""Instructor page: refused to learners, opened by the store role or TRAINER_INSTRUCTORS; roster, item
statistics, CSV export, and resetting a learner's lab."""
from __future__ import annotations

from engine.store import Store
from tests.ui.conftest import app, text

PAGE = "ui/instructor.py"


def test_a_learner_is_refused():
    at = app(page=PAGE)
    assert "This page is for instructors" in at.error[0].value
    assert not at.dataframe and not at.get("download_button")


def test_the_env_var_names_the_first_instructor(monkeypatch):
    monkeypatch.setenv("TRAINER_INSTRUCTORS", "alice, bob")
    at = app(page=PAGE, learner="alice")
    assert not at.error
    assert Store.open().learner("alice").role == "instructor"


def test_an_instructor_sees_the_roster_items_and_csv_exports():
    store = Store.open()
    pupil = store.learner("pupil")
    store.learner("teacher")
    store.set_role("teacher", "instructor")
    store.record_answer(pupil.id, "q14-lm-001", {"type": "single", "choice": "a"}, score=1, correct=True)
    store.record_answer(pupil.id, "q14-lm-001", {"type": "single", "choice": "b"}, score=0, correct=False)
    at = app(page=PAGE, learner="teacher")
    roster = at.dataframe[0].value
    assert {"pupil", "teacher"} <= set(roster["learner"])
    assert {"exam attempts", "lab steps passed", "lab steps assisted"} <= set(roster.columns)
    assert any(c.startswith("ready 1.4") for c in roster.columns)
    items = at.dataframe[1].value
    row = items[items["item"] == "q14-lm-001"].iloc[0]
    assert row["answers"] == 2 and row["right %"] == 50.0 and row["options chosen"] == "a: 1, b: 1"
    assert len(at.get("download_button")) == 2


def test_reset_this_learners_lab_removes_their_lab_sessions():
    store = Store.open()
    pupil = store.learner("pupil")
    store.start_lab_session(pupil.id, "lab-prepare-hosts", {"format": 1})
    store.learner("teacher")
    store.set_role("teacher", "instructor")
    at = app(page=PAGE, learner="teacher")
    at.selectbox(key="inst_learner").set_value("pupil").run()
    at.button(key="inst_reset").click().run()
    assert "Removed 1 lab session(s) of pupil" in text(at)
    assert store.latest_lab_session(pupil.id, "lab-prepare-hosts") is None


def test_an_instructor_can_promote_a_learner():
    store = Store.open()
    store.learner("pupil")
    store.learner("teacher")
    store.set_role("teacher", "instructor")
    at = app(page=PAGE, learner="teacher")
    at.selectbox(key="inst_learner").set_value("pupil").run()
    at.button(key="inst_promote").click().run()
    assert store.learner("pupil").role == "instructor"


def test_match_and_dropdown_answers_count_their_pairs_and_blanks():
    store = Store.open()
    pupil = store.learner("pupil")
    store.learner("teacher")
    store.set_role("teacher", "instructor")
    store.record_answer(pupil.id, "m", {"type": "match", "pairs": {"l1": "r2"}}, score=0, correct=False)
    store.record_answer(pupil.id, "d", {"type": "dropdown", "choices": {"b1": "o3"}}, score=1, correct=True)
    items = app(page=PAGE, learner="teacher").dataframe[1].value.set_index("item")
    assert items.loc["m", "options chosen"] == "l1→r2: 1" and items.loc["d", "options chosen"] == "b1:o3: 1"
