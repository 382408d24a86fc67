"""Study page: every item type answered right and wrong, feedback, show answer, certainty, store records."""
from __future__ import annotations

import json

import pytest
import streamlit as st

from engine.content.loader import load_catalog
from engine.quiz.presentation import present
from engine.quiz.study import StudySession
from engine.store import Store
from tests.ui.conftest import answer, app, current_id, small_catalog, text

GRADED = ["s1", "m1", "o1", "x1", "d1"]
COMMAND_ITEM = "q14-ex-command"  # in the repository's bank: graded on its own emulated lab


def start(at, limit: int = 6):
    at.number_input(key="study_limit").set_value(limit).run()
    at.button(key="study_start").click().run()
    assert not at.exception, at.exception
    return at


def go_to(at, qid: str):
    """Press Next until ``qid`` is the current item (the queue is shuffled)."""
    for _ in range(10):
        if current_id(at) == qid:
            return at
        at.button(key="study_next").click().run()
    raise AssertionError(f"{qid} never came up")


@pytest.mark.parametrize("qid", GRADED)
def test_a_right_answer_is_graded_right_and_recorded_with_its_card(small, qid):
    at = go_to(start(app(page="ui/study.py")), qid)
    answer(at, small.question(qid), "study", right=True)
    at.radio(key=f"study_certainty_{qid}").set_value("high")
    at.run().button(key="study_submit").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success][0].startswith("Right.")
    assert "certainty mark +3" in text(at)
    assert "Why each option is right or wrong" in [e.label for e in at.expander]
    assert at.button(key="study_submit").disabled
    store = Store.open()
    learner = store.learners()[0]
    [row] = store.answers(learner.id)
    assert (row["question_id"], row["correct"], row["score"], row["certainty"]) == (qid, True, 1.0, "high")
    assert qid in store.cards(learner.id)


@pytest.mark.parametrize("qid", GRADED)
def test_a_wrong_answer_shows_the_key_and_every_option_explained(small, qid):
    at = go_to(start(app(page="ui/study.py")), qid)
    answer(at, small.question(qid), "study", right=False)
    at.run().button(key="study_submit").click().run()
    assert not at.exception, at.exception
    shown = text(at)
    assert "Wrong." in shown or "Partly right" in shown
    assert "Right answer" in shown and f"Explanation of {qid}." in shown
    assert "why " in shown  # option notes
    store = Store.open()
    [row] = store.answers(store.learners()[0].id)
    assert row["correct"] is False


def test_a_command_item_that_cannot_be_graded_shows_the_reason_and_does_not_crash(small):
    at = go_to(start(app(page="ui/study.py")), "c1")
    assert "runs on a fresh emulated lab" in text(at)
    answer(at, small.question("c1"), "study", right=True)
    at.run().button(key="study_submit").click().run()
    assert not at.exception, at.exception
    assert "Not graded: the item's topology 'standalone-pair' is missing" in text(at)  # the small bank has none
    store = Store.open()
    lid = store.learners()[0].id
    assert store.answers(lid)[0]["answer"]["type"] == "command"
    assert store.cards(lid) == {}  # nothing to rate


@pytest.mark.parametrize("right", [True, False])
def test_a_command_item_is_graded_on_the_emulated_lab(right):
    cat = load_catalog()
    question = cat.question(COMMAND_ITEM)
    # An open session holding just that item, as if the learner had started it: the page resumes it.
    store = Store.open()
    session = StudySession(cat, [COMMAND_ITEM], {COMMAND_ITEM: present(question, None)})
    store.start_quiz_session(store.learner("learner").id, "study", json.loads(session.to_json()))
    at = app(page="ui/study.py")
    assert current_id(at) == COMMAND_ITEM
    answer(at, question, "study", right=right)
    at.run().button(key="study_submit").click().run()
    assert not at.exception, at.exception
    shown = text(at)
    assert ("Right." in shown) == right
    if not right:
        assert "expected" in shown  # the failed check, expected against actual


def test_the_case_study_is_shown_above_its_item_and_the_lab_button_waits_for_labs(small):
    at = go_to(start(app(page="ui/study.py")), "s1")
    assert "Case study: A case" in [e.label for e in at.expander]
    answer(at, small.question("s1"), "study", right=True)
    at.run().button(key="study_submit").click().run()
    lab = at.button(key="lab_s1")
    assert lab.disabled and "lab1#step1" in lab.help


def test_show_answer_counts_as_not_known_and_next_rates_it_again(small):
    at = go_to(start(app(page="ui/study.py")), "m1")
    at.button(key="study_reveal").click().run()
    assert "Answer shown" in text(at) and "Right answer" in text(at)
    at.button(key="study_next").click().run()
    store = Store.open()
    lid = store.learners()[0].id
    [row] = store.answers(lid)
    assert (row["question_id"], row["correct"], row["score"]) == ("m1", False, 0.0)
    assert store.cards(lid)["m1"]["last_rating"] == 1  # Again


def test_end_of_session_shows_totals_and_filters_follow_history(small):
    at = app(page="ui/study.py")
    at.multiselect(key="study_objectives").set_value(["1.1"])  # no command item: the miss must be graded
    at = start(at, limit=1)
    qid = current_id(at)
    answer(at, small.question(qid), "study", right=False)
    at.run().button(key="study_submit").click().run()
    at.button(key="study_next").click().run()
    assert "Session finished" in text(at)
    at.button(key="study_again").click().run()
    at.checkbox(key="study_missed").check().run()
    assert "**1** item(s) match" in text(at)
    at.checkbox(key="study_missed").uncheck().run()
    at.checkbox(key="study_unseen").check().run()
    assert "**5** item(s) match" in text(at)


def test_an_open_study_session_resumes_in_a_new_browser_session(small):
    at = go_to(start(app(page="ui/study.py")), "s1")
    answer(at, small.question("s1"), "study", right=True)
    at.run().button(key="study_submit").click().run()
    st.cache_resource.clear()  # an app restart: the store and catalogue are opened again
    again = app(page="ui/study.py")
    assert current_id(again) == "s1"
    assert [s.value for s in again.success][0].startswith("Right.")


def test_objective_filter_limits_the_sub_skills(small):
    at = app(page="ui/study.py")
    at.multiselect(key="study_objectives").set_value(["1.2"]).run()
    assert set(at.multiselect(key="study_skills").options) == {"C", "D"}
    assert "**3** item(s) match" in text(at)


def test_a_session_whose_items_left_the_bank_is_closed_with_a_message(small, monkeypatch):
    start(app(page="ui/study.py"))
    shrunk = small_catalog()
    shrunk.questions.pop("s1")
    monkeypatch.setattr("ui.catalog.load_catalog", lambda: shrunk)
    st.cache_resource.clear()
    at = app(page="ui/study.py")
    assert not at.exception, at.exception
    assert "could not be resumed and was closed" in text(at)
    assert at.button(key="study_start")


def test_a_dropdown_stem_shows_numbered_blanks_that_the_selectboxes_name(small):
    at = go_to(start(app(page="ui/study.py")), "d1")
    assert "Run [ 1 ] with [ 2 ] to do it." in text(at)
    assert [at.selectbox(key=f"study_d1_{b}").label for b in ("cmd", "param")] == ["Blank [ 1 ]", "Blank [ 2 ]"]


def test_an_order_item_is_built_in_the_order_chosen(small):
    at = go_to(start(app(page="ui/study.py")), "o1")
    at.multiselect(key="study_o1").set_value(["b", "a"]).run()
    assert "1. option b\n2. option a" in text(at)
