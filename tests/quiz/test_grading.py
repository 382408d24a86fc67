"""grade(): right, wrong and partial answers for every item type, and command items without a lab engine."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.quiz.answers import (CommandAnswer, DropdownAnswer, MatchAnswer, MultipleAnswer, OrderAnswer,
                                 SingleAnswer)
from engine.quiz.errors import QuizError
from engine.quiz.grading import COMMAND_SKIPPED, Grade, grade
from tests.quiz.conftest import command, dropdown, match, multiple, order, single


def test_single_right_scores_one():
    g = grade(single(), SingleAnswer("b"))
    assert (g.score, g.correct) == (1.0, True)


def test_single_wrong_scores_zero_and_marks_both_options():
    g = grade(single(), SingleAnswer("a"))
    assert (g.score, g.correct) == (0.0, False)
    wrong = {p.id for p in g.parts if not p.right}
    assert wrong == {"a", "b"}


def test_unanswered_single_is_zero_and_not_answered():
    g = grade(single(), None)
    assert (g.score, g.correct, g.answered) == (0.0, False, False)


def test_multiple_all_right():
    g = grade(multiple(), MultipleAnswer(("b", "a")))
    assert (g.score, g.correct) == (1.0, True)


def test_multiple_one_of_two_right_is_half():
    g = grade(multiple(), MultipleAnswer(("a",)))
    assert (g.score, g.correct) == (0.5, False)


def test_multiple_right_and_wrong_cancel():
    assert grade(multiple(), MultipleAnswer(("a", "c"))).score == 0.0


def test_multiple_floor_at_zero():
    assert grade(multiple(), MultipleAnswer(("c", "d"))).score == 0.0


def test_multiple_choosing_more_than_asked_scores_zero_with_reason():
    g = grade(multiple(), MultipleAnswer(("a", "b", "c")))
    assert g.score == 0.0 and not g.correct
    assert "3 options chosen where the item asks for 2" in g.reason


def test_multiple_parts_show_missed_right_option():
    g = grade(multiple(), MultipleAnswer(("a",)))
    part_b = next(p for p in g.parts if p.id == "b")
    assert (part_b.given, part_b.expected, part_b.right) == (False, True, False)


def test_order_exact_is_correct():
    g = grade(order(), OrderAnswer(("a", "b", "c", "d")))
    assert (g.score, g.correct) == (1.0, True)


def test_order_one_step_moved_loses_one_step():
    g = grade(order(), OrderAnswer(("b", "a", "c", "d")))
    assert g.score == pytest.approx(3 / 4) and not g.correct


def test_order_distractor_added_lengthens_denominator():
    g = grade(order(), OrderAnswer(("a", "b", "x", "c", "d")))
    assert g.score == pytest.approx(4 / 5)
    assert next(p for p in g.parts if p.id == "x").right is False


def test_order_missing_step_counts_against():
    g = grade(order(), OrderAnswer(("a", "b", "c")))
    assert g.score == pytest.approx(3 / 4)
    assert next(p for p in g.parts if p.id == "d").given is None


def test_order_reversed_scores_one_step():
    assert grade(order(), OrderAnswer(("d", "c", "b", "a"))).score == pytest.approx(1 / 4)


def test_order_unused_distractor_is_a_right_part():
    g = grade(order(), OrderAnswer(("a", "b", "c", "d")))
    assert next(p for p in g.parts if p.id == "x").right is True


def test_match_all_right():
    g = grade(match(), MatchAnswer({"l1": "r1", "l2": "r2", "l3": "r1", "l4": "r3"}))
    assert (g.score, g.correct) == (1.0, True)


def test_match_partial_is_fraction_of_left_items():
    g = grade(match(), MatchAnswer({"l1": "r1", "l2": "r1", "l3": "r1"}))
    assert g.score == pytest.approx(2 / 4) and not g.correct
    assert {p.id for p in g.parts if not p.right} == {"l2", "l4"}


def test_match_all_wrong():
    assert grade(match(), MatchAnswer({"l1": "r2", "l2": "r3", "l3": "r3", "l4": "r1"})).score == 0.0


def test_dropdown_all_right():
    g = grade(dropdown(), DropdownAnswer({"cmd": "c1", "param": "p2"}))
    assert (g.score, g.correct) == (1.0, True)


def test_dropdown_partial():
    g = grade(dropdown(), DropdownAnswer({"cmd": "c1", "param": "p1"}))
    assert g.score == 0.5 and not g.correct
    assert [(p.id, p.given, p.expected) for p in g.parts if not p.right] == [("param", "p1", "p2")]


def test_dropdown_wrong():
    assert grade(dropdown(), DropdownAnswer({"cmd": "c2", "param": "p1"})).score == 0.0


def test_command_without_grader_is_skipped_with_reason():
    g = grade(command(), CommandAnswer("Enable-VMMigration -ComputerName HV2"))
    assert g.skipped and g.reason == COMMAND_SKIPPED
    assert COMMAND_SKIPPED == "command items need the PowerShell lab engine, which is not installed yet"


def test_command_with_injected_grader_uses_it():
    class Fake:
        def grade_command(self, question, text):
            return Grade(question.id, 1.0, text.startswith("Enable-VMMigration"))

    g = grade(command(), CommandAnswer("Enable-VMMigration -ComputerName HV2"), command_grader=Fake())
    assert (g.score, g.correct, g.skipped) == (1.0, True, False)


def test_answer_of_wrong_type_is_refused():
    with pytest.raises(QuizError) as err:
        grade(single(), MultipleAnswer(("a",)))
    assert err.value.id == "answer.type"


def test_answer_naming_unknown_option_is_refused():
    with pytest.raises(QuizError) as err:
        grade(single(), SingleAnswer("z"))
    assert err.value.id == "answer.unknown" and "has no z" in err.value.message


def test_grade_round_trips_through_dict():
    g = grade(match(), MatchAnswer({"l1": "r1"}))
    assert Grade.from_dict(g.to_dict()) == g


@given(st.lists(st.sampled_from("abcdx"), unique=True, max_size=5))
def test_order_score_stays_in_unit_interval_and_is_one_only_for_the_key(steps):
    g = grade(order(), OrderAnswer(tuple(steps)))
    assert 0.0 <= g.score <= 1.0
    assert (g.score == 1.0) == (steps == ["a", "b", "c", "d"]) == g.correct


@given(st.lists(st.sampled_from("abcde"), unique=True, max_size=5))
def test_multiple_score_stays_in_unit_interval(choices):
    g = grade(multiple(), MultipleAnswer(tuple(choices)))
    assert 0.0 <= g.score <= 1.0 and (g.score == 1.0) == g.correct


def test_answer_naming_an_option_twice_is_refused():
    with pytest.raises(QuizError) as err:
        grade(order(), OrderAnswer(("a", "a", "b")))
    assert err.value.id == "answer.duplicate"
