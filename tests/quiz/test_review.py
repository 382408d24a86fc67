"""FSRS spaced review: ratings from results, scheduling transitions, due lists, readiness, saved cards."""
from datetime import timedelta

import pytest
from fsrs import Card, Rating, State

from engine.quiz.errors import QuizError
from engine.quiz.review import (EASY_SECONDS, FSRS_VERSION, ReviewState, card_from_dict, card_to_dict,
                                rating_for)
from tests.quiz.conftest import T0, single


def test_wrong_is_again():
    assert rating_for(False, certainty="high", seconds=5) == Rating.Again


def test_right_with_low_certainty_is_hard():
    assert rating_for(True, certainty="low") == Rating.Hard


def test_right_after_show_answer_is_hard():
    assert rating_for(True, certainty="high", revealed=True, seconds=3) == Rating.Hard


def test_right_is_good():
    assert rating_for(True) == Rating.Good


def test_right_fast_with_high_certainty_is_easy():
    assert rating_for(True, certainty="high", seconds=EASY_SECONDS - 1) == Rating.Easy


def test_right_slow_with_high_certainty_is_good():
    assert rating_for(True, certainty="high", seconds=EASY_SECONDS) == Rating.Good


def test_first_good_moves_due_date_forward():
    state = ReviewState()
    card = state.record("q", Rating.Good, T0)
    assert card.due > T0 and card.last_review == T0


def test_easy_graduates_to_review_with_a_longer_interval_than_good():
    good, easy = ReviewState().record("q", Rating.Good, T0), ReviewState().record("q", Rating.Easy, T0)
    assert easy.state == State.Review and easy.due > good.due


def test_again_after_review_relearns_sooner():
    state = ReviewState()
    state.record("q", Rating.Easy, T0)
    later = state.cards["q"].due
    card = state.record("q", Rating.Again, later)
    assert card.state == State.Relearning and card.due - later < timedelta(days=1)


def test_hard_schedules_sooner_than_good():
    hard, good = ReviewState(), ReviewState()
    for s in (hard, good):
        s.record("q", Rating.Easy, T0)
    at = hard.cards["q"].due
    assert hard.record("q", Rating.Hard, at).due < good.record("q", Rating.Good, at).due


def test_missed_and_seen_follow_last_rating():
    state = ReviewState()
    state.record("q", Rating.Again, T0)
    assert state.seen("q") and state.missed("q") and not state.seen("other")
    state.record("q", Rating.Good, T0 + timedelta(minutes=10))
    assert not state.missed("q")


def test_due_lists_only_cards_past_their_due_date():
    state = ReviewState()
    state.record("soon", Rating.Again, T0)
    state.record("later", Rating.Easy, T0)
    assert state.due(T0 + timedelta(hours=1)) == ["soon"]
    assert state.is_due("soon", T0 + timedelta(hours=1)) and not state.is_due("never-seen", T0)


def test_due_on_a_day_includes_everything_due_by_its_end():
    state = ReviewState()
    state.record("a", Rating.Again, T0)
    state.record("b", Rating.Easy, T0)
    due_b = state.cards["b"].due
    assert state.due_on(T0.date()) == ["a"]
    assert state.due_on(due_b.date()) == ["a", "b"]


def test_readiness_is_mean_retrievability_with_unseen_as_zero():
    state = ReviewState()
    state.record("s1", Rating.Good, T0)
    questions = [single("s1", "1.1"), single("s2", "1.1"), single("s3", "1.2")]
    ready = state.readiness(questions, T0 + timedelta(minutes=1))
    r1 = state.retrievability("s1", T0 + timedelta(minutes=1))
    assert 0 < r1 <= 1
    assert ready == {"1.1": pytest.approx(r1 / 2), "1.2": 0.0}


def test_card_dict_carries_format_and_fsrs_version():
    data = card_to_dict(Card(card_id=1, due=T0))
    assert (data["format"], data["fsrs"]) == (1, FSRS_VERSION) and data["card"]["card_id"] == 1


def test_unknown_card_format_is_refused_clearly():
    data = {**card_to_dict(Card(card_id=1, due=T0)), "format": 99}
    with pytest.raises(QuizError) as err:
        card_from_dict(data)
    assert err.value.id == "quiz.format" and "format 99" in err.value.message


def test_review_state_resumes_from_json():
    state = ReviewState()
    state.record("a", Rating.Good, T0)
    state.record("b", Rating.Again, T0)
    back = ReviewState.from_json(state.to_json())
    assert {q: c.to_dict() for q, c in back.cards.items()} == {q: c.to_dict() for q, c in state.cards.items()}
    assert back.missed("b") and back.scheduler.to_dict() == state.scheduler.to_dict()
    nxt = T0 + timedelta(minutes=15)
    assert back.record("a", Rating.Good, nxt).to_dict() == state.record("a", Rating.Good, nxt).to_dict()


def test_naive_now_is_refused():
    with pytest.raises(QuizError) as err:
        ReviewState().record("q", Rating.Good, T0.replace(tzinfo=None))
    assert err.value.id == "quiz.naive_datetime"


def test_unknown_review_state_format_is_refused():
    with pytest.raises(QuizError) as err:
        ReviewState.from_dict({"format": 2, "scheduler": {}, "cards": {}})
    assert err.value.id == "quiz.format"
