"""Child process for test_store_crash.py: record answers in a loop until killed.

    python -m tests.hardening.store_writer DATABASE_URL LEARNER

Each answer goes through ``Store.record_answer`` together with the quiz session's new state and a review log (one
transaction); its id is printed (and flushed) only after ``record_answer`` returned, so every printed id is an
answer the store acknowledged. ``ready`` is printed once the store is open, so the parent can tell start-up time
from writing time.
"""
from __future__ import annotations

import sys

from engine.store import Store


def main(url: str, learner_name: str) -> None:
    store = Store.open(url)
    learner = store.learner(learner_name)
    session_id = store.start_quiz_session(learner.id, "study", {"answered": 0})
    print("ready", flush=True)
    answered = 0
    while True:  # ends only by SIGKILL: that is the point
        answer_id = store.record_answer(learner.id, f"q{answered}", {"choice": answered}, score=1.0, correct=True,
                                        session_id=session_id, session_state={"answered": answered + 1}, rating=3)
        answered += 1
        print(answer_id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
