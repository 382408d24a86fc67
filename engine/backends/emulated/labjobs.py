"""PowerShell jobs (-AsJob, Get-Job, Wait-Job, Receive-Job) over the lab's jobs on the simulated clock.

``Wait-Job`` (and a blocking cmdlet) advances the lab's clock to the job's end; ``Get-Job`` only looks, so
a job started with -AsJob stays Running until the learner waits for it or the clock moves.
"""
from __future__ import annotations

from typing import Any, Callable

from engine.errors import LabError
from engine.hyperv import Lab
from engine.hyperv.catalogue import restored
from engine.hyperv.state import Job as LabJobRecord
from engine.powershell.jobs import Job


class LabJob(Job):
    """A PowerShell job mirroring one job of the lab (a migration, storage move, export …).

    ``results`` is called once when the lab job completes and returns the objects the cmdlet would have
    written (e.g. the moved VM for -Passthru).
    """

    def __init__(self, lab: Lab, record: LabJobRecord, command: str = "", *, location: str = "localhost",
                 results: Callable[[], list[Any]] | None = None) -> None:
        super().__init__(command, location=location, job_type="BackgroundJob")
        self.lab, self.record, self._make_results = lab, record, results
        self.refresh()

    def refresh(self) -> None:
        if self.state in ("Completed", "Failed", "Stopped"):
            return
        state = self.record.state
        if state == "Completed":
            for obj in (self._make_results() if self._make_results else []):
                self.add_result(obj)
            self.finish("Completed")
        elif state == "Failed":
            self.add_error(restored(self.record.error_id, self.record.error_message, target=self.record.vm))
            self.finish("Failed")

    def wait(self) -> None:
        try:
            self.lab.wait(self.record)
        except LabError as err:
            self.add_error(err)
            self.finish("Failed")
            return
        self.refresh()

    @property
    def percent_complete(self) -> float:
        from engine.hyperv.jobs import progress
        return progress(self.record, self.lab.now)
