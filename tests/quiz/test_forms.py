"""Drawing an exam form: apportionment, reproducibility, sub-skill spread, scenarios, short banks."""
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from engine.quiz.forms import apportion, draw_form
from tests.quiz.conftest import SCENARIO, bank, exam, single


def test_apportion_largest_remainder():
    assert apportion(10, {"a": 20, "b": 25, "c": 20, "d": 35}) == {"a": 2, "b": 3, "c": 2, "d": 3}


def test_apportion_ties_go_to_first_listed():
    assert apportion(1, {"a": 1, "b": 1}) == {"a": 1, "b": 0}


@given(st.integers(0, 200), st.lists(st.floats(0.5, 100), min_size=1, max_size=8))
def test_apportion_hands_out_every_seat_within_one_of_quota(total, ws):
    weights = {str(i): w for i, w in enumerate(ws)}
    seats = apportion(total, weights)
    assert sum(seats.values()) == total
    for k, w in weights.items():
        assert abs(seats[k] - total * w / sum(ws)) < 1


def test_form_has_form_size_items_split_by_weight():
    form = draw_form(exam(form_size=10, weights=(60, 40)), bank(), seed=3)
    assert len(form) == 10 and len(set(form)) == 10
    assert Counter(q[:3] for q in form) == {"1.1": 6, "1.2": 4}


def test_same_seed_same_form():
    assert draw_form(exam(), bank(), seed=7) == draw_form(exam(), bank(), seed=7)


def test_different_seed_different_form():
    assert draw_form(exam(), bank(), seed=7) != draw_form(exam(), bank(), seed=8)


def test_sub_skills_are_spread_within_an_objective():
    form = draw_form(exam(form_size=4, weights=(50, 50)), bank(), seed=1)
    assert Counter(q.split("-")[0] for q in form) == {"1.1.a": 1, "1.1.b": 1, "1.2.a": 1, "1.2.b": 1}


def test_short_objective_gives_its_share_to_others():
    questions = [q for q in bank() if q.objective == "1.1"] + [single("only", "1.2", "1.2.a")]
    form = draw_form(exam(form_size=8, weights=(10, 90)), questions, seed=2)
    assert len(form) == 8 and "only" in form


def test_form_is_capped_at_bank_size():
    assert len(draw_form(exam(form_size=50), bank(per_skill=2), seed=0)) == 8


def test_scenario_items_stay_together_in_bank_order():
    case = [single(f"case-{i}", "1.1", "1.1.a", scenario=SCENARIO.id) for i in range(3)]
    drawn_with_case = 0
    for seed in range(20):
        form = draw_form(exam(form_size=10), bank() + case, seed=seed)
        if "case-0" in form:
            drawn_with_case += 1
            start = form.index("case-0")
            assert form[start:start + 3] == ["case-0", "case-1", "case-2"]
        else:
            assert not {"case-1", "case-2"} & set(form)
    assert drawn_with_case > 0
