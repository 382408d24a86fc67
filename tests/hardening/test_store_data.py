"""Stored answers are untrusted data: whatever a learner typed is stored and read back verbatim (bound parameters,
JSON columns), never interpreted by the database."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from engine.store import Store

HOSTILE = ["'); DROP TABLE answers; --", "\" OR 1=1 --", "$(Remove-Item C:\\ -Recurse -Force)", "<script>x</script>",
           "{{7*7}}", "%s%s%s", "\\x00", "\u202e\ufeff", "' UNION SELECT password FROM learners --"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(HOSTILE) | st.text(alphabet=st.characters(blacklist_characters="\0",
                                                                           blacklist_categories=["Cs"]),
                                                     max_size=30), min_size=1, max_size=4).map("".join))
def test_hostile_answers_are_stored_and_read_back_verbatim(tmp_path_factory, typed):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('store') / 'progress.sqlite3'}")
    try:
        learner = store.learner(typed or "empty")  # the learner's own name is input too
        answer_id = store.record_answer(learner.id, typed, {"typed": typed}, score=0.0, correct=False)
        (row,) = store.answers(learner.id)
        assert (row["id"], row["question_id"], row["answer"]) == (answer_id, typed, {"typed": typed})
        assert store.learner(typed or "empty", create=False).name == (typed or "empty")
        with store.engine.connect() as conn:  # every table is still there and holds exactly what was written
            assert conn.execute(text("SELECT count(*) FROM answers")).scalar_one() == 1
            assert conn.execute(text("SELECT count(*) FROM learners")).scalar_one() == 1
    finally:
        store.engine.dispose()
