"""Exam simulation: timing, auto-submit, navigation, flags, review list, scoring, report, resume."""
import pytest

from engine.quiz.answers import CommandAnswer, SingleAnswer
from engine.quiz.errors import QuizError
from engine.quiz.exam import ExamSession
from engine.quiz.grading import COMMAND_SKIPPED
from tests.quiz.conftest import bank, catalog, command, exam, single


def _session(clock, questions=None, **kw):
    return ExamSession.start(catalog(questions or bank(), exam(**kw)), seed=11, clock=clock)


def _answer_all(session, right: bool):
    for n in range(1, len(session.form) + 1):
        q = session.goto(n).question
        if q.type == "single":
            session.answer(SingleAnswer(q.answer if right else next(o.id for o in q.options if o.id != q.answer)))


def test_deadline_is_start_plus_duration(clock):
    s = _session(clock, duration=30)
    clock.advance(minutes=10)
    assert s.remaining().total_seconds() == 20 * 60


def test_tick_before_deadline_does_not_submit(clock):
    s = _session(clock, duration=30)
    clock.advance(minutes=29, seconds=59)
    assert s.tick() is False


def test_tick_at_zero_auto_submits(clock):
    s = _session(clock, duration=30)
    clock.advance(minutes=30)
    assert s.tick() is True
    assert s.auto_submitted and s.result().auto_submitted and s.remaining().total_seconds() == 0


def test_answer_after_time_up_auto_submits_and_is_refused(clock):
    s = _session(clock, duration=30)
    q = s.current().question
    clock.advance(minutes=31)
    with pytest.raises(QuizError) as err:
        s.answer(SingleAnswer(q.answer))
    assert err.value.id == "exam.time_up"
    assert s.submitted and q.id not in s.answers


def test_changes_after_submit_are_refused(clock):
    s = _session(clock)
    s.submit()
    with pytest.raises(QuizError) as err:
        s.flag()
    assert err.value.id == "exam.submitted"


def test_navigation_moves_and_stays_in_bounds(clock):
    s = _session(clock)
    assert s.previous().number == 1
    assert s.next().number == 2
    assert s.goto(len(s.form)).number == len(s.form)
    assert s.next().number == len(s.form)


def test_goto_outside_form_is_refused(clock):
    s = _session(clock)
    with pytest.raises(QuizError) as err:
        s.goto(len(s.form) + 1)
    assert err.value.id == "exam.index"


def test_review_list_shows_answered_and_flagged(clock):
    s = _session(clock)
    s.answer(SingleAnswer("a"))
    s.goto(3)
    s.flag()
    entries = s.review_list()
    assert [(e.number, e.answered, e.flagged) for e in entries[:3]] == [(1, True, False), (2, False, False),
                                                                         (3, False, True)]


def test_unflag_and_clear_answer(clock):
    s = _session(clock)
    s.answer(SingleAnswer("a"))
    s.flag()
    s.flag(False)
    s.answer(None)
    assert (s.review_list()[0].answered, s.review_list()[0].flagged) == (False, False)


def test_all_right_passes_with_max_score(clock):
    s = _session(clock)
    _answer_all(s, right=True)
    r = s.submit()
    assert (r.points, r.max_points, r.scaled, r.passed) == (10.0, 10.0, 1000, True)


def test_nothing_answered_scores_one_and_fails(clock):
    r = _session(clock).submit()
    assert (r.points, r.scaled, r.passed) == (0.0, 1, False)


def test_seven_of_ten_is_exactly_the_pass_mark(clock):
    s = _session(clock)
    _answer_all(s, right=True)
    for n in (1, 2, 3):
        q = s.goto(n).question
        s.answer(SingleAnswer(next(o.id for o in q.options if o.id != q.answer)))
    r = s.submit()
    assert (r.points, r.scaled, r.passed) == (7.0, 700, True)


def test_unscored_items_are_excluded_from_score(clock):
    questions = bank(per_skill=2) + [single("pilot", "1.1", "1.1.a", unscored=True)]
    s = _session(clock, questions, form_size=9)
    assert "pilot" in s.form
    _answer_all(s, right=True)
    s.goto(s.form.index("pilot") + 1)
    s.answer(SingleAnswer("a"))
    r = s.submit()
    assert r.unscored == ("pilot",) and (r.points, r.max_points, r.scaled) == (8.0, 8.0, 1000)


def test_command_items_are_skipped_with_the_reason(clock):
    questions = bank(per_skill=2) + [command("cmd", "1.2", "1.2.a")]
    s = _session(clock, questions, form_size=9)
    s.goto(s.form.index("cmd") + 1)
    s.answer(CommandAnswer("Enable-VMMigration -ComputerName HV2"))
    r = s.submit()
    assert r.skipped == (("cmd", COMMAND_SKIPPED),) and r.max_points == 8.0
    assert r.grades["cmd"].skipped


def test_report_per_objective_and_skill(clock):
    s = _session(clock)
    for n in range(1, len(s.form) + 1):
        q = s.goto(n).question
        if q.objective == "1.1":
            s.answer(SingleAnswer(q.answer))
    r = s.submit()
    objectives = {t.id: (t.points, t.max, t.percent) for t in r.objectives}
    assert objectives == {"1.1": (6.0, 6.0, 100.0), "1.2": (0.0, 4.0, 0.0)}
    assert sum(t.max for t in r.skills) == 10 and all(t.percent in (0.0, 100.0) for t in r.skills)


def test_resume_keeps_form_shuffles_answers_flags_position_and_time(clock):
    s = _session(clock)
    s.answer(SingleAnswer("c"))
    s.goto(4)
    s.flag()
    clock.advance(minutes=7)
    resumed = ExamSession.from_json(s.to_json(), s.catalog, clock=clock)
    assert resumed.form == s.form and resumed.presentations == s.presentations
    assert resumed.answers == s.answers and resumed.flags == s.flags
    assert resumed.current().number == 4 and resumed.remaining() == s.remaining()


def test_resume_later_keeps_the_original_deadline(clock):
    s = _session(clock, duration=30)
    saved = s.to_json()
    clock.advance(minutes=31)
    resumed = ExamSession.from_json(saved, s.catalog, clock=clock)
    assert resumed.tick() and resumed.auto_submitted


def test_same_seed_gives_same_form_and_option_order(clock):
    a, b = _session(clock), _session(clock)
    assert a.form == b.form and a.presentations == b.presentations


def test_naive_clock_is_refused():
    from datetime import datetime
    with pytest.raises(QuizError) as err:
        ExamSession.start(catalog(bank(), exam()), seed=1, clock=lambda: datetime(2026, 1, 1))
    assert err.value.id == "quiz.naive_datetime"


def test_result_before_submit_is_refused(clock):
    with pytest.raises(QuizError) as err:
        _session(clock).result()
    assert err.value.id == "exam.not_submitted"


def test_catalog_without_blueprint_is_refused(clock):
    from engine.content.loader import Catalog
    with pytest.raises(QuizError) as err:
        ExamSession.start(Catalog(catalog(bank()).root, None), seed=1, clock=clock)
    assert err.value.id == "exam.no_blueprint"


def test_study_json_is_not_an_exam(clock):
    from engine.quiz.study import StudySession
    c = catalog(bank())
    with pytest.raises(QuizError) as err:
        ExamSession.from_json(StudySession.start(c, now=clock()).to_json(), c, clock=clock)
    assert err.value.id == "quiz.format"
