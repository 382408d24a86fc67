"""The command-item grader the pages hand to study and exam sessions: the learner's PowerShell runs on a fresh
emulated lab (``engine.labs.command_grading``) and the lab's checks judge the resulting state.

A failure inside the lab engine becomes a "not graded" result with its reason, so one bad run never takes the
quiz page down; the learner's answer is kept either way.
"""
from __future__ import annotations

from engine.content.models import CommandQuestion
from engine.labs.command_grading import EmulatedCommandGrader
from engine.quiz.grading import Grade
from ui.catalog import catalog


class GuardedGrader:
    """A ``CommandGrader`` that turns an unexpected lab-engine error into a skipped grade."""

    def __init__(self, inner: EmulatedCommandGrader) -> None:
        self.inner = inner

    def grade_command(self, question: CommandQuestion, text: str) -> Grade:
        """Grade with the emulated lab; on an engine failure, a skipped grade that says what went wrong."""
        try:
            return self.inner.grade_command(question, text)
        except Exception as error:  # noqa: BLE001 - any engine bug: report it on the item, keep the page up
            return Grade(question.id, 0.0, False, skipped=True,
                         reason=f"the emulated lab could not run this answer ({type(error).__name__}: {error})")


def command_grader() -> GuardedGrader:
    """A grader over the current catalogue (cheap: each grading builds its own fresh lab)."""
    return GuardedGrader(EmulatedCommandGrader(catalog()))
