"""Scaled score, certainty-based marks and per-objective/sub-skill tallies."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.quiz.grading import Grade
from engine.quiz.scoring import RAW_CUT, certainty_mark, scaled_score, tally
from tests.quiz.conftest import exam, single


def test_zero_scales_to_one():
    assert scaled_score(0.0) == 1


def test_cut_scales_to_pass_mark():
    assert scaled_score(RAW_CUT) == 700


def test_all_right_scales_to_max():
    assert scaled_score(1.0) == 1000


def test_just_below_cut_fails_and_just_above_passes():
    assert scaled_score(RAW_CUT - 0.01) < 700 < scaled_score(RAW_CUT + 0.01)


def test_cut_follows_exam_pass_mark_and_max():
    assert (scaled_score(RAW_CUT, pass_mark=650, max_score=900), scaled_score(1.0, pass_mark=650, max_score=900)) \
        == (650, 900)


@given(st.floats(0, 1), st.floats(0, 1))
def test_scaling_is_monotonic(a, b):
    lo, hi = sorted((a, b))
    assert scaled_score(lo) <= scaled_score(hi)


@given(st.floats(0, 1))
def test_scaling_stays_in_range(f):
    assert 1 <= scaled_score(f) <= 1000


@pytest.mark.parametrize("certainty,right,wrong", [("low", 1, 0), ("medium", 2, -2), ("high", 3, -6)])
def test_certainty_marks(certainty, right, wrong):
    assert (certainty_mark(True, certainty), certainty_mark(False, certainty)) == (right, wrong)


def test_unknown_certainty_is_refused():
    with pytest.raises(ValueError):
        certainty_mark(True, "sure")


def test_tally_per_objective_and_skill_skips_skipped_grades():
    q1, q2, q3 = single("a", "1.1", "1.1.a"), single("b", "1.1", "1.1.b"), single("c", "1.2", "1.2.a")
    graded = [(q1, Grade("a", 1.0, True)), (q2, Grade("b", 0.5, False)), (q3, Grade("c", 0.0, False, skipped=True))]
    objectives, skills = tally(exam(), graded)
    by_id = {t.id: t for t in objectives + skills}
    assert (by_id["1.1"].points, by_id["1.1"].max, by_id["1.1"].percent) == (1.5, 2.0, 75.0)
    assert (by_id["1.1.b"].points, by_id["1.1.b"].max) == (0.5, 1.0)
    assert by_id["1.2"].max == 0 and by_id["1.2"].percent is None
    assert [t.id for t in skills] == ["1.1.a", "1.1.b", "1.2.a", "1.2.b"]
