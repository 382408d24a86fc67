"""Study sessions: filters, one item at a time, feedback, show answer, certainty marks, totals, resume."""
from datetime import timedelta

import pytest
from fsrs import Rating

from engine.quiz.answers import (CommandAnswer, MatchAnswer, MultipleAnswer, SingleAnswer)
from engine.quiz.errors import QuizError
from engine.quiz.grading import COMMAND_SKIPPED
from engine.quiz.review import ReviewState
from engine.quiz.study import StudyFilter, StudySession
from tests.quiz.conftest import T0, bank, catalog, command, match, multiple, single


def _study(questions=None, flt=StudyFilter(), **kw):
    return StudySession.start(catalog(questions or [single()]), flt, now=T0, **kw)


def test_filter_by_objective_and_skill():
    s = _study(bank(2), StudyFilter(objectives=("1.2",), skills=("1.2.b",)))
    assert sorted(s.queue) == ["1.2.b-0", "1.2.b-1"]


def test_limit_caps_the_queue():
    assert len(_study(bank(2), StudyFilter(limit=3)).queue) == 3


def test_only_missed_unseen_and_due_use_the_history():
    history = ReviewState()
    history.record("1.1.a-0", Rating.Again, T0 - timedelta(hours=1))
    history.record("1.1.a-1", Rating.Easy, T0 - timedelta(hours=1))
    questions = bank(2)
    assert _study(questions, StudyFilter(only_missed=True), history=history).queue == ["1.1.a-0"]
    assert _study(questions, StudyFilter(only_due=True), history=history).queue == ["1.1.a-0"]
    unseen = _study(questions, StudyFilter(only_unseen=True), history=history).queue
    assert len(unseen) == 6 and not {"1.1.a-0", "1.1.a-1"} & set(unseen)


def test_history_filter_without_history_is_refused():
    with pytest.raises(QuizError) as err:
        _study(bank(1), StudyFilter(only_missed=True))
    assert err.value.id == "study.no_history"


def test_one_item_at_a_time_then_finished():
    s = _study(bank(1), shuffle=False)
    assert s.current().number == 1 and s.current().total == 4
    for _ in range(4):
        s.next()
    assert s.finished and s.current() is None


def test_feedback_explains_chosen_and_right_options_with_references():
    fb = _study().submit(SingleAnswer("a"))
    assert fb.grade.correct is False and fb.key == SingleAnswer("b")
    assert [(n.id, n.explanation) for n in fb.chosen] == [("a", "why a")]
    assert [(n.id, n.explanation) for n in fb.right] == [("b", "why b")]
    assert fb.explanation and fb.references


def test_match_feedback_explains_left_items_and_chosen_right_items():
    fb = _study([match()]).submit(MatchAnswer({"l1": "r2"}))
    assert [n.id for n in fb.chosen] == ["r2"]
    assert [n.id for n in fb.right] == ["l1", "l2", "l3", "l4", "r1", "r2", "r3"]


def test_an_item_is_answered_once():
    s = _study()
    s.submit(SingleAnswer("b"))
    with pytest.raises(QuizError) as err:
        s.submit(SingleAnswer("b"))
    assert err.value.id == "study.already_answered"


def test_show_answer_counts_as_not_known():
    s = _study()
    shown = s.show_answer()
    assert shown.revealed and shown.key == SingleAnswer("b") and shown.grade is None
    s.submit(SingleAnswer("b"), certainty="high", seconds=3)
    t = s.totals()
    assert (t.points, t.correct, t.marks, t.revealed) == (0.0, 0, 0, 1)
    assert s.records["s1"].rating() == Rating.Hard


def test_show_answer_without_answering_rates_again():
    s = _study()
    s.show_answer()
    assert s.records["s1"].rating() == Rating.Again


def test_certainty_marks_add_up_in_totals():
    s = _study([single("a"), single("b"), multiple("c")], shuffle=False)
    s.submit(SingleAnswer("b"), certainty="high")
    s.next()
    s.submit(SingleAnswer("a"), certainty="medium")
    s.next()
    s.submit(MultipleAnswer(("a",)), certainty="low")
    t = s.totals()
    assert (t.graded, t.correct, t.points, t.marks) == (3, 1, 1.5, 3 - 2 + 0)


def test_command_items_are_skipped_with_the_reason():
    s = _study([command(), single()], shuffle=False)
    fb = s.submit(CommandAnswer("Enable-VMMigration -ComputerName HV2"), certainty="high")
    assert fb.grade.skipped and fb.grade.reason == COMMAND_SKIPPED
    assert fb.key == CommandAnswer("Enable-VMMigration -ComputerName HV2")
    t = s.totals()
    assert (t.skipped, t.graded, t.marks) == (1, 0, 0) and s.records["c1"].rating() is None


def test_ratings_feed_review():
    s = _study()
    s.submit(SingleAnswer("b"), certainty="high", seconds=5)
    review = ReviewState()
    review.record("s1", s.records["s1"].rating(), T0)
    assert s.records["s1"].rating() == Rating.Easy and review.seen("s1")


def test_resume_from_json_keeps_item_shuffles_and_answers():
    s = _study(bank(2), seed=4)
    first = s.current().question
    s.submit(SingleAnswer(first.answer), certainty="medium")
    s.next()
    back = StudySession.from_json(s.to_json(), s.catalog)
    assert back.queue == s.queue and back.presentations == s.presentations
    assert back.current().question.id == s.current().question.id
    assert back.records == s.records and back.totals() == s.totals()


def test_same_seed_same_queue_and_options():
    a, b = _study(bank(2), seed=9), _study(bank(2), seed=9)
    assert a.queue == b.queue and a.presentations == b.presentations


def test_submit_after_the_last_item_is_refused():
    s = _study()
    s.next()
    with pytest.raises(QuizError) as err:
        s.submit(SingleAnswer("b"))
    assert err.value.id == "study.finished"


def test_item_carries_its_case_study():
    from tests.quiz.conftest import SCENARIO
    q = single("case-1", scenario=SCENARIO.id)
    s = StudySession.start(catalog([q], scenarios=[SCENARIO]), now=T0)
    item = s.current()
    assert (item.scenario_title, item.scenario_text) == (SCENARIO.title, SCENARIO.text)


def test_unknown_certainty_is_refused_before_grading():
    s = _study()
    with pytest.raises(QuizError) as err:
        s.submit(SingleAnswer("b"), certainty="sure")
    assert err.value.id == "study.certainty" and "s1" not in s.records
