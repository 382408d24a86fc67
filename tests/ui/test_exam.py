"""Exam simulation page: start, answer, flag, navigate, review screen, submit, report, timer, resume, history."""
from __future__ import annotations

import streamlit as st

from engine.store import Store
from tests.ui.conftest import answer, app, current_id, text


def start(clock, seed: int = 3):
    at = app(clock, page="ui/exam.py")
    at.number_input(key="exam_seed").set_value(seed).run()
    at.button(key="exam_start").click().run()
    assert not at.exception, at.exception
    return at


def test_start_answer_flag_review_and_submit_gives_the_report(small, clock):
    at = start(clock)
    assert "Time left **30:00**" in text(at)
    first = current_id(at)
    answer(at, small.question(first), "exam", right=True)
    at.run()
    at.toggle(key=f"exam_flag_{first}").set_value(True).run()
    at.button(key="exam_next").click().run()
    assert "Item 2 of 6" in text(at)
    at.button(key="exam_review").click().run()
    assert "**1** answered · **5** unanswered · **1** flagged" in text(at)
    at.button(key="exam_goto_1").click().run()
    assert current_id(at) == first
    at.button(key="exam_review").click().run()
    at.button(key="exam_submit").click().run()
    assert not at.exception, at.exception
    assert "Scaled score" in [m.label for m in at.metric]
    assert at.metric[1].value == "Fail"
    assert "Every answer" in text(at)
    assert len(at.get("vega_lite_chart")) >= 2  # trend and per-objective chart
    store = Store.open()
    [attempt] = store.finished_sessions(store.learners()[0].id)
    assert attempt.passed is False and attempt.scaled_score is not None


def test_all_right_passes(small, clock):
    at = start(clock)
    for n in range(6):
        answer(at, small.question(current_id(at)), "exam", right=True)
        at.run()
        if n < 5:
            at.button(key="exam_next").click().run()
    at.button(key="exam_review").click().run()
    at.button(key="exam_submit").click().run()
    assert at.metric[0].value == "1000" and at.metric[1].value == "Pass"


def test_jump_list_moves_to_any_item(small, clock):
    at = start(clock)
    at.selectbox(key="exam_jump_1_0_0").set_value(4).run()
    assert "Item 4 of 6" in text(at)
    at.button(key="exam_prev").click().run()
    assert "Item 3 of 6" in text(at)


def test_the_exam_submits_itself_when_the_clock_passes_the_deadline(small, clock):
    at = start(clock)
    answer(at, small.question(current_id(at)), "exam", right=True)
    at.run()
    clock.advance(minutes=31)
    at.run()
    assert not at.exception, at.exception
    assert "Submitted automatically when the time ran out." in text(at)
    assert at.metric[0].label == "Scaled score"


def test_an_open_exam_resumes_with_its_answers_flags_and_deadline(small, clock):
    at = start(clock)
    first = current_id(at)
    answer(at, small.question(first), "exam", right=True)
    at.run()
    at.toggle(key=f"exam_flag_{first}").set_value(True).run()
    at.button(key="exam_next").click().run()
    clock.advance(minutes=10)
    st.cache_resource.clear()  # an app restart: the store and catalogue are opened again
    again = app(clock, page="ui/exam.py")
    assert "Item 2 of 6" in text(again) and "Time left **20:00**" in text(again)
    again.button(key="exam_prev").click().run()
    assert again.toggle(key=f"exam_flag_{first}").value is True
    assert "**1** answered" not in text(again)
    again.button(key="exam_review").click().run()
    assert "**1** answered · **5** unanswered · **1** flagged" in text(again)


def test_history_lists_attempts_and_reopens_an_older_report(small, clock):
    for seed in (1, 2):
        at = start(clock, seed)
        at.button(key="exam_review").click().run()
        at.button(key="exam_submit").click().run()
    attempts = at.selectbox(key="exam_attempt")
    assert len(attempts.options) == 2 and attempts.options[0].startswith("Attempt 2")
    store = Store.open()
    first = store.finished_sessions(store.learners()[0].id)[0]
    attempts.set_value(first.id).run()
    assert not at.exception, at.exception
    assert at.metric[0].value == str(first.scaled_score) and "Every answer" in text(at)


def test_exam_mistakes_are_scheduled_for_review(small, clock):
    at = start(clock)
    wrong = current_id(at)
    answer(at, small.question(wrong), "exam", right=False)
    at.run()
    at.button(key="exam_review").click().run()
    at.button(key="exam_submit").click().run()
    store = Store.open()
    lid = store.learners()[0].id
    graded = wrong != "c1"  # a command item cannot be graded yet, so it is not scheduled
    assert [(a["question_id"], a["correct"]) for a in store.answers(lid)] == ([(wrong, False)] if graded else [])
    clock.advance(days=1)
    at.switch_page("ui/review.py").run()
    assert ("**1** item(s) due for review now" in text(at)) == graded


def test_the_countdown_turns_red_in_the_last_five_minutes(small, clock):
    at = start(clock)
    clock.advance(minutes=26)
    at.run()
    assert ":red[:material/timer: Time left **04:00**]" in text(at)
