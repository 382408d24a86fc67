"""Review page: mistakes come back as due cards and are reviewed through the study item flow."""
from __future__ import annotations

from engine.store import Store
from tests.ui.conftest import answer, app, current_id, text


def miss_two(small, clock):
    at = app(clock, page="ui/study.py")
    at.number_input(key="study_limit").set_value(2).run()
    at.button(key="study_start").click().run()
    missed = []
    for _ in range(2):
        qid = current_id(at)
        missed.append(qid)
        answer(at, small.question(qid), "study", right=qid == "c1")  # c1 cannot be graded: never scheduled
        at.run().button(key="study_submit").click().run()
        at.button(key="study_next").click().run()
    return [q for q in missed if q != "c1"]


def test_nothing_to_review_for_a_new_learner(small, clock):
    at = app(clock, page="ui/review.py")
    assert "Nothing to review yet" in text(at)


def test_mistakes_are_due_and_reviewed_most_overdue_first(small, clock):
    missed = miss_two(small, clock)
    clock.advance(days=1)
    at = app(clock, page="ui/review.py")
    assert f"**{len(missed)}** item(s) due for review now · 0 more later today" in text(at)
    at.button(key="review_start").click().run()
    assert current_id(at) in missed
    qid = current_id(at)
    answer(at, small.question(qid), "review", right=True)
    at.run().button(key="review_submit").click().run()
    assert not at.exception, at.exception
    store = Store.open()
    lid = store.learners()[0].id
    assert store.cards(lid)[qid]["last_rating"] == 3  # Good
    assert qid not in store.due_question_ids(lid, clock())


def test_right_answers_are_not_due_yet(small, clock):
    at = app(clock, page="ui/study.py")
    at.number_input(key="study_limit").set_value(1).run()
    at.button(key="study_start").click().run()
    qid = current_id(at)
    answer(at, small.question(qid), "study", right=True)
    at.run().button(key="study_submit").click().run()
    at.switch_page("ui/review.py").run()
    assert ("Nothing due now" in text(at)) == (qid != "c1")


def test_home_counts_due_items_and_points_to_the_weakest_objective(small, clock):
    missed = miss_two(small, clock)
    clock.advance(days=1)
    at = app(clock)
    assert at.metric[1].value == str(len(missed))
    assert "Your weakest objective is" in text(at)
    at.button(key="home_study_weakest").click().run()
    assert not at.exception, at.exception
    assert at.multiselect(key="study_objectives").value
