"""Background jobs: the Job protocol and the per-runspace job table behind -AsJob, Get-Job, Wait-Job,
Receive-Job and Remove-Job.

The protocol for whoever does the work (the Hyper-V emulator), kept small:

- create a ``Job`` (or a subclass) with the command text, and hand it to ``ctx.run_job(job)`` from the cmdlet:
  with ``-AsJob`` the job is registered (Id, Name) and written to the output at once; without it the cmdlet
  calls ``wait()`` and writes the job's results and errors as its own, as Windows blocks until a move is done;
- override ``refresh()`` to bring ``state``, results and errors up to date *without* advancing time, and
  ``wait()`` to finish the work (the emulator advances its simulated clock to the job's end);
- report with ``add_result(obj)``, ``add_error(error)`` (a LabError or an ErrorRecord) and ``finish(state)``.

The base class is a job whose ``wait()`` simply completes it.
"""
from __future__ import annotations

from typing import Any, Callable

from engine.errors import LabError
from engine.powershell.errors import ErrorRecord
from engine.powershell.objects import PSObject

JOB_TYPE_NAMES = ("System.Management.Automation.PSRemotingJob", "System.Management.Automation.Job")
FINISHED = ("Completed", "Failed", "Stopped")


class Job:
    """A job as PowerShell shows it: Id, Name, PSJobTypeName, State, HasMoreData, Location, Command."""

    def __init__(self, command: str = "", *, name: str = "", location: str = "localhost",
                 job_type: str = "BackgroundJob", state: str = "Running") -> None:
        self.id = 0
        self.name, self.command, self.location, self.job_type, self.state = name, command, location, job_type, state
        self._results: list = []
        self._errors: list = []
        # set by the cmdlet that starts the job: turns a LabError into an error record of that command
        self.make_record: Callable[[LabError], ErrorRecord] | None = None

    # ---------------------------------------------------------------------------------- for implementers
    def refresh(self) -> None:
        """Update state, results and errors without advancing time (override)."""

    def wait(self) -> None:
        """Block until the job is finished (override: advance the simulated clock to its end)."""
        if self.state not in FINISHED:
            self.finish()

    def add_result(self, obj: Any) -> None:
        """Add an output object."""
        self._results.append(obj)

    def add_error(self, error: LabError | ErrorRecord) -> None:
        """Add an error (reported by Receive-Job as a non-terminating error)."""
        self._errors.append(error)

    def finish(self, state: str = "Completed") -> None:
        """Mark the job finished (``Completed``, ``Failed`` or ``Stopped``)."""
        self.state = state

    # ---------------------------------------------------------------------------------- for the cmdlets
    @property
    def finished(self) -> bool:
        """Whether the job is no longer running."""
        return self.state in FINISHED

    @property
    def has_more_data(self) -> bool:
        """Whether Receive-Job would return something."""
        return bool(self._results or self._errors)

    def receive(self, keep: bool = False) -> tuple[list, list[ErrorRecord]]:
        """The results and error records collected so far; forgotten unless ``keep``."""
        results, errors = list(self._results), [self._record(e) for e in self._errors]
        if not keep:
            self._results.clear()
            self._errors.clear()
        return results, errors

    def _record(self, error: LabError | ErrorRecord) -> ErrorRecord:
        if isinstance(error, ErrorRecord):
            return error
        if self.make_record is not None:
            return self.make_record(error)
        return ErrorRecord(message=error.message, fqid=error.error_code, category=error.category,
                           reason=error.exception_type, target_name=error.target,
                           target_type="String" if error.target else "", lab_error=error)

    def ps_adapt(self) -> PSObject:
        """The job as scripts and formatters see it (refreshed first)."""
        self.refresh()
        return PSObject([("Id", self.id), ("Name", self.name), ("PSJobTypeName", self.job_type),
                         ("State", self.state), ("HasMoreData", self.has_more_data), ("Location", self.location),
                         ("Command", self.command)], JOB_TYPE_NAMES, mutable=False,
                        display="System.Management.Automation.PSRemotingJob")


class JobTable:
    """The jobs of one runspace; Ids count up from 1 and are never reused."""

    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}
        self._next_id = 1

    def add(self, job: Job) -> Job:
        """Register a job: assign its Id and, if it has none, the name ``Job<Id>``."""
        job.id = self._next_id
        self._next_id += 1
        job.name = job.name or f"Job{job.id}"
        self._jobs[job.id] = job
        return job

    def get(self, job_id: int) -> Job | None:
        """The job with that Id."""
        return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        """All jobs in Id order."""
        return list(self._jobs.values())

    def remove(self, job: Job) -> None:
        """Forget a job."""
        self._jobs.pop(job.id, None)
