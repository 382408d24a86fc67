"""`command` items are graded by running the learner's PowerShell on a fresh emulated lab and checking the state."""
import pytest

from engine.content.loader import REPO_ROOT, load_catalog
from engine.labs.command_grading import EmulatedCommandGrader
from engine.quiz.answers import CommandAnswer
from engine.quiz.grading import grade

CATALOG = load_catalog(REPO_ROOT)
COMMAND_ITEMS = [q for q in CATALOG.question_list() if q.type == "command"]


@pytest.fixture(scope="module")
def grader():
    return EmulatedCommandGrader(CATALOG)


@pytest.mark.parametrize("question", COMMAND_ITEMS, ids=[q.id for q in COMMAND_ITEMS])
def test_the_model_solution_passes(grader, question):
    result = grade(question, CommandAnswer(question.solution), command_grader=grader)
    assert (result.correct, result.score, result.reason) == (True, 1.0, "")


@pytest.mark.parametrize("question", COMMAND_ITEMS, ids=[q.id for q in COMMAND_ITEMS])
def test_doing_nothing_does_not_pass(grader, question):
    result = grade(question, CommandAnswer("Get-VM"), command_grader=grader)
    assert result.correct is False and result.score < 1.0
    assert result.reason  # says which check failed


def test_the_state_is_judged_not_the_text(grader):
    question = CATALOG.question("q14-ex-command")
    other_way = "Set-VMHost -ComputerName HV2 -MaximumVirtualMachineMigrations 2; Enable-VMMigration HV2"
    assert grade(question, CommandAnswer(other_way), command_grader=grader).correct is True


def test_a_powershell_error_is_shown_with_the_failed_check(grader):
    question = CATALOG.question("q14-ex-command")
    result = grade(question, CommandAnswer("Enable-VMMigraton -ComputerName HV2"), command_grader=grader)
    assert result.correct is False
    assert "HV2: VirtualMachineMigrationEnabled is False, expected True" in result.reason
    assert "The term 'Enable-VMMigraton' is not recognized" in result.reason
    assert [(p.expected, p.given, p.right) for p in result.parts] == [("True", "False", False)]


def test_every_item_grades_against_its_own_fresh_lab(grader):
    question = CATALOG.question("q14-ex-command")
    assert grade(question, CommandAnswer(question.solution), command_grader=grader).correct
    assert not grade(question, CommandAnswer("Get-VM"), command_grader=grader).correct
