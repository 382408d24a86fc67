"""The quiz engine on the repository's own bank (whatever it holds today)."""
from engine.content.loader import load_catalog
from engine.quiz.answers import key_of
from engine.quiz.exam import ExamSession
from engine.quiz.grading import COMMAND_SKIPPED, grade
from engine.quiz.study import StudySession
from tests.quiz.conftest import T0, Clock

CATALOG = load_catalog()


def test_every_key_grades_as_correct_or_skipped():
    for q in CATALOG.question_list():
        g = grade(q, key_of(q))
        assert g.correct or (q.type == "command" and g.reason == COMMAND_SKIPPED), q.id


def test_exam_form_is_reproducible_and_keeps_scenarios_together():
    a = ExamSession.start(CATALOG, seed=5, clock=Clock())
    b = ExamSession.start(CATALOG, seed=5, clock=Clock())
    assert a.form == b.form and a.presentations == b.presentations
    assert len(a.form) == min(CATALOG.exam.form_size, len(CATALOG.questions))
    by_scenario = {}
    for i, qid in enumerate(a.form):
        sc = CATALOG.question(qid).scenario
        if sc:
            by_scenario.setdefault(sc, []).append(i)
    for positions in by_scenario.values():
        assert positions == list(range(positions[0], positions[0] + len(positions)))


def test_exam_answered_with_keys_passes_with_commands_skipped():
    s = ExamSession.start(CATALOG, seed=5, clock=Clock())
    for n in range(1, len(s.form) + 1):
        q = s.goto(n).question
        s.answer(key_of(q))
    r = s.submit()
    assert r.passed and r.scaled == CATALOG.exam.max_score
    assert all(reason == COMMAND_SKIPPED for _, reason in r.skipped)


def test_study_session_on_repo_bank_resumes():
    s = StudySession.start(CATALOG, seed=2, now=T0)
    s.submit(key_of(s.current().question))
    back = StudySession.from_json(s.to_json(), CATALOG)
    assert back.current().question.id == s.current().question.id and back.totals() == s.totals()
