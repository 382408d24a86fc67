"""Display order: seeded, stable, and never touching the key."""
import random

from engine.quiz.answers import OrderAnswer
from engine.quiz.grading import grade
from engine.quiz.presentation import Presentation, present
from tests.quiz.conftest import command, dropdown, match, order, single


def test_same_seed_same_option_order():
    assert present(single(), random.Random(5)) == present(single(), random.Random(5))


def test_shuffle_is_a_permutation_of_the_options():
    shown = present(single(), random.Random(5)).options
    assert sorted(shown) == ["a", "b", "c", "d"]


def test_some_seed_changes_the_order():
    assert any(present(order(), random.Random(s)).options != ("a", "b", "c", "d", "x") for s in range(10))


def test_no_rng_keeps_bank_order():
    assert present(order(), None).options == ("a", "b", "c", "d", "x")


def test_order_item_key_is_the_truth_whatever_the_display():
    q = order()
    displays = (present(q, random.Random(s)).options for s in range(10))
    shown = next(d for d in displays if d[:4] != ("a", "b", "c", "d"))
    assert q.answer == ["a", "b", "c", "d"]
    assert grade(q, OrderAnswer(shown[:4])).correct is False
    assert grade(q, OrderAnswer(("a", "b", "c", "d"))).correct is True


def test_match_shuffles_right_side_only():
    p = present(match(), random.Random(3))
    assert sorted(p.right) == ["r1", "r2", "r3"] and p.options == ()


def test_dropdown_shuffles_each_blank():
    p = present(dropdown(), random.Random(3))
    assert set(p.blanks) == {"cmd", "param"} and sorted(p.blanks["cmd"]) == ["c1", "c2", "c3"]


def test_command_has_nothing_to_shuffle():
    assert present(command(), random.Random(3)) == Presentation()


def test_presentation_round_trips():
    p = present(dropdown(), random.Random(3))
    assert Presentation.from_dict(p.to_dict()) == p
