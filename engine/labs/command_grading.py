"""Grading ``command`` questions: the learner's PowerShell runs on a fresh emulated lab, the checks judge the state.

What is judged is the resulting lab, not the text typed: ``Enable-VMMigration -ComputerName HV2`` and
``Set-VMHost -ComputerName HV2 -VirtualMachineMigrationEnabled $true``-style alternatives both pass when they
leave the lab in the asked-for state.
"""
from __future__ import annotations

from engine.backends.emulated import EmulatedBackend
from engine.content.models import CommandQuestion
from engine.labs.checks import evaluate_all
from engine.quiz.grading import Grade, Part


class EmulatedCommandGrader:
    """The quiz engine's ``CommandGrader`` for the emulated lab; ``last_output`` keeps the console text."""

    def __init__(self, catalog) -> None:
        self.catalog = catalog
        self.last_output = ""

    def grade_command(self, question: CommandQuestion, text: str) -> Grade:
        topology = self.catalog.topology(question.topology)
        if topology is None:
            return Grade(question.id, 0.0, False, skipped=True,
                         reason=f"the item's topology '{question.topology}' is missing from labs/topologies")
        backend = EmulatedBackend.from_topology(topology)
        if question.setup.strip():
            backend.run(question.setup, host=question.logon)
        result = backend.run(text, host=question.logon)
        self.last_output = result.text
        # Judge the state once what the answer started has finished (a drain or an -AsJob move keeps
        # running after the command returns, as on Windows; the simulated clock moves only when asked).
        backend.lab.run_until_idle()
        results, fraction = evaluate_all(question.checks, backend.snapshot())
        parts = tuple(Part(check.id or f"check {i + 1}", r.actual, r.expected, r.passed)
                      for i, (check, r) in enumerate(zip(question.checks, results)))
        failed = [r.message for r in results if not r.passed]
        reason = "\n".join(failed)
        if result.had_errors:
            reason = (reason + "\n" if reason else "") + result.text.strip()
        return Grade(question.id, fraction, all(r.passed for r in results), parts, reason=reason)
