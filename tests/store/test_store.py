"""The progress store: learners, sessions, answers, cards, lab sessions — on SQLite and PostgreSQL."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect

from engine.store import Store, StoreError
from engine.store.db import current_revision, database_url

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def test_learner_is_created_once(store):
    first = store.learner("alice")
    again = store.learner("alice")
    assert first == again and first.role == "learner"
    assert [l.name for l in store.learners()] == ["alice"]


def test_unknown_learner_without_create(store):
    with pytest.raises(StoreError, match="no learner called 'bob'"):
        store.learner("bob", create=False)


def test_roles_are_checked(store):
    store.learner("carol")
    assert store.set_role("carol", "instructor").role == "instructor"
    with pytest.raises(StoreError, match="role must be one of learner, instructor, not 'admin'"):
        store.set_role("carol", "admin")


def test_quiz_session_resumes_with_its_state(store):
    alice = store.learner("alice")
    sid = store.start_quiz_session(alice.id, "exam", {"position": 0, "answers": {}})
    store.record_answer(alice.id, "q1", "b", score=1.0, correct=True, session_id=sid,
                        session_state={"position": 1, "answers": {"q1": "b"}}, certainty="high", seconds=12.5)
    resumed = store.open_quiz_session(alice.id, "exam")
    assert resumed.id == sid and resumed.state == {"position": 1, "answers": {"q1": "b"}}
    store.save_quiz_session(sid, resumed.state, finished=True, scaled_score=812, passed=True)
    assert store.open_quiz_session(alice.id, "exam") is None
    history = store.finished_sessions(alice.id, "exam")
    assert [(h.scaled_score, h.passed) for h in history] == [(812, True)]
    assert history[0].finished_at.tzinfo is not None


def test_answers_and_history(store):
    alice, bob = store.learner("alice"), store.learner("bob")
    store.record_answer(alice.id, "q1", "a", score=0.0, correct=False)
    store.record_answer(alice.id, "q1", "b", score=1.0, correct=True)
    store.record_answer(bob.id, "q2", ["a", "c"], score=0.5, correct=False)
    assert store.question_history(alice.id) == {"q1": [False, True]}
    assert [a["answer"] for a in store.answers(bob.id)] == [["a", "c"]]


def test_answer_with_card_and_rating_is_one_write(store):
    alice = store.learner("alice")
    store.record_answer(alice.id, "q1", "b", score=1.0, correct=True, card=({"format": 1, "card": {"x": 1}},
                                                                            NOW + timedelta(days=3)), rating=3)
    assert store.cards(alice.id) == {"q1": {"format": 1, "card": {"x": 1}}}
    assert store.review_log_count(alice.id) == 1
    assert store.due_question_ids(alice.id, NOW) == []
    assert store.due_question_ids(alice.id, NOW + timedelta(days=4)) == ["q1"]


def test_failed_write_leaves_nothing_behind(store):
    alice = store.learner("alice")
    with pytest.raises(StoreError, match="no quiz session 999"):
        store.record_answer(alice.id, "q1", "b", score=1.0, correct=True, session_id=999, session_state={})
    assert store.answers(alice.id) == []


def test_naive_datetimes_are_refused(store):
    alice = store.learner("alice")
    with pytest.raises(Exception, match="timezone-aware"):
        store.save_card(alice.id, "q1", {}, datetime(2026, 1, 1))


def test_lab_session_step_results_and_hints(store):
    alice = store.learner("alice")
    lid = store.start_lab_session(alice.id, "lab1", {"lab": "state-0"})
    store.record_hint(lid, "enable", 0)
    store.record_hint(lid, "enable", 1)
    store.record_step_result(lid, "enable", status="passed", score=1.0, detail={"checks": 1},
                             state={"lab": "state-1"})
    latest = store.latest_lab_session(alice.id, "lab1")
    assert latest.state == {"lab": "state-1"}
    assert store.hints_used(lid) == {"enable": 2}
    assert [(r["step_id"], r["status"]) for r in store.step_results(lid)] == [("enable", "passed")]
    assert store.delete_lab_sessions(alice.id, "lab1") == 1
    assert store.latest_lab_session(alice.id, "lab1") is None


def test_settings_global_and_per_learner(store):
    alice = store.learner("alice")
    store.set_setting("theme", "dark")
    store.set_setting("theme", "light", learner_id=alice.id)
    assert store.get_setting("theme") == "dark"
    assert store.get_setting("theme", learner_id=alice.id) == "light"
    assert store.get_setting("missing", default=42) == 42


def test_schema_is_at_the_newest_revision(store):
    assert current_revision(store.engine) == "0001"
    tables = set(inspect(store.engine).get_table_names())
    assert {"learners", "quiz_sessions", "answers", "cards", "review_logs", "lab_sessions", "step_results",
            "hint_uses", "settings", "alembic_version"} <= tables


def test_reopening_keeps_history(store_url):
    first = Store.open(store_url)
    alice = first.learner("alice")
    first.record_answer(alice.id, "q1", "b", score=1.0, correct=True)
    first.engine.dispose()
    second = Store.open(store_url)  # migrations run again: must be a no-op
    assert second.question_history(alice.id) == {"q1": [True]}
    second.engine.dispose()


def test_default_sqlite_file_lives_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TRAINER_DATA_DIR", str(tmp_path / "data"))
    assert database_url() == f"sqlite:///{tmp_path / 'data' / 'progress.sqlite3'}"


def test_plain_postgresql_url_uses_psycopg(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/trainer")
    assert database_url() == "postgresql+psycopg://u@db/trainer"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    s.engine.dispose()
