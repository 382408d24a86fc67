"""Jobs on the simulated clock: long operations with timing, progress, concurrency limits and a queue.

A job is created by an operation after its rule checks pass. It starts at once if the hosts' limits allow
(``MaximumVirtualMachineMigrations`` for live kinds on source and destination, ``MaximumStorageMigrations`` for
storage moves on the VM's host); otherwise a cluster queues it and a standalone host refuses it (event 21501).
Durations, downtime, bytes and passes come from :func:`engine.hyperv.timing.estimate`, computed when the job
starts, with ``link_share`` = the migrations then running on the same link. Completion applies the job's plan
through the owning operation's ``_finish_<op>`` method. Time moves only by :meth:`JobsMixin.advance` and friends.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from engine.errors import LabError
from engine.hyperv.catalogue import error, restored
from engine.hyperv.state import Job, Pass, World

#: The job lifecycle; any other move is a bug in the caller and raises ``job.invalid_transition``.
JOB_TRANSITIONS: Mapping[str, frozenset[str]] = MappingProxyType({
    "Queued": frozenset({"Running", "Failed"}),
    "Running": frozenset({"Completed", "Failed"}),
    "Completed": frozenset(),
    "Failed": frozenset(),
})

#: Job kinds limited by MaximumVirtualMachineMigrations (the VM's memory crosses the wire).
LIVE_KINDS = frozenset({"live", "shared-nothing", "move"})
#: Job kinds limited by MaximumStorageMigrations.
STORAGE_KINDS = frozenset({"storage"})


def set_state(job: Job, new_state: str) -> None:
    """Move ``job`` along :data:`JOB_TRANSITIONS`."""
    if new_state not in JOB_TRANSITIONS[job.state]:
        raise error("job.invalid_transition", target=str(job.id), job=job.id, state=job.state, new_state=new_state)
    job.state = new_state


def progress(job: Job, now: float) -> float:
    """PercentComplete of ``job`` at simulated time ``now`` (0..100)."""
    if job.state == "Completed":
        return 100.0
    if job.state != "Running" or job.start is None:
        return 0.0
    if job.total_s <= 0:
        return 100.0
    return round(min(100.0, max(0.0, (now - job.start) / job.total_s * 100.0)), 2)


class JobsMixin:
    """Clock and job methods of :class:`engine.hyperv.lab.Lab` (expects ``self.world`` and ``self._failures``)."""

    world: World
    _failures: dict[int, LabError]

    # --- creating jobs -------------------------------------------------------------------------------------
    def _new_job(self, kind: str, vm: str, source: str, destination: str, *, timing: dict, plan: dict,
                 link: str = "", reason: str = "user", cluster: str | None = None) -> Job:
        job = Job(id=self.world.next_job_id, kind=kind, vm=vm, source=source, destination=destination,
                  reason=reason, cluster=cluster, queued_at=self.world.clock, link=link, timing=timing, plan=plan)
        job.operation, job.computer = getattr(self, "_context", None) or ("", None)
        self.world.next_job_id += 1
        return job

    def _submit(self, job: Job, *, queue: bool) -> Job:
        """Start ``job`` or, past a limit, queue it (cluster) or refuse it (standalone, catalogued error)."""
        full = self._limit_reached(job)
        if full is not None and not queue:
            host, limit = full
            spec = "storage.limit_reached" if job.kind in STORAGE_KINDS else "migration.limit_reached"
            raise error(spec, target=job.vm, vm=job.vm, limit=limit, host=host)
        self.world.jobs.append(job)
        if full is None:
            self._start(job)
        return job

    def _limit_reached(self, job: Job) -> tuple[str, int] | None:
        if job.kind in LIVE_KINDS:
            hosts, kinds, setting = {job.source, job.destination}, LIVE_KINDS, "MaximumVirtualMachineMigrations"
        elif job.kind in STORAGE_KINDS:
            hosts, kinds, setting = {job.source}, STORAGE_KINDS, "MaximumStorageMigrations"
        else:
            return None
        for name in sorted(hosts):
            limit = getattr(self.world.host(name).settings, setting)
            busy = sum(1 for j in self.world.jobs if j.state == "Running" and j.kind in kinds
                       and name in {j.source, j.destination})
            if busy >= limit:
                return name, limit
        return None

    def _start(self, job: Job) -> None:
        from engine.hyperv import timing  # lands separately; imported when a job first needs it

        begin = getattr(self, f"_begin_{job.plan['op']}", None)
        if begin is not None:
            # A queued job starts later than it was checked: the world may have changed meanwhile.
            try:
                begin(job)
            except LabError as exc:
                self._fail(job, exc)
                return
        params = {k: v for k, v in job.timing.items() if k != "kind"}
        if job.link:
            params["link_share"] = 1 + sum(1 for j in self.world.jobs if j.state == "Running" and j.link == job.link)
        est = timing.estimate(job.timing["kind"], **params)
        set_state(job, "Running")
        job.start = self.world.clock
        job.total_s = float(est.total_s)
        job.end = job.start + job.total_s
        job.downtime_s = float(est.downtime_s)
        job.bytes_sent = float(est.bytes_sent)
        job.passes = [Pass(p.index, float(p.bytes), float(p.seconds), bool(p.final)) for p in est.passes]

    def _fail(self, job: Job, exc: LabError) -> None:
        set_state(job, "Failed")
        job.end = self.world.clock
        job.error_id, job.error_message = exc.id, exc.message
        self._failures[job.id] = exc
        if not getattr(exc, "recorded", False):
            self.world.record(job.operation or exc.details.get("operation", ""), job.computer, exc.target or job.vm,
                              exc.id, exc.event_id, exc.message)
            exc.recorded = True
        abort = getattr(self, f"_abort_{job.plan['op']}", None)
        if abort is not None:
            abort(job)
        self._after_job(job)

    def _complete(self, job: Job) -> None:
        try:
            getattr(self, f"_finish_{job.plan['op']}")(job)
        except LabError as exc:
            self._fail(job, exc)
        else:
            set_state(job, "Completed")
            self._after_job(job)
        self._start_queued()

    def _after_job(self, job: Job) -> None:
        """Hook run when a job completes or fails, for operations that track groups of jobs (drains);
        overridden by the cluster mixin."""

    def _start_queued(self) -> None:
        for job in [j for j in self.world.jobs if j.state == "Queued"]:
            if self._limit_reached(job) is None:
                self._start(job)

    def _block(self, job: Job, as_job: bool) -> Job:
        """Return ``job`` at once (``-AsJob``) or wait for it like a blocking cmdlet, re-raising its failure."""
        if as_job:
            return job
        self.wait(job)
        if job.state == "Failed":
            # After a reload only the saved id and text remain; the catalogue restores the rest.
            failure = self._failures.get(job.id) or restored(job.error_id, job.error_message, target=job.vm)
            failure.recorded = True  # logged when the job failed
            raise failure
        return job

    # --- moving time -----------------------------------------------------------------------------------------
    def advance(self, seconds: float) -> list[Job]:
        """Move the clock forward by ``seconds``, completing every job that ends meanwhile (in end order)."""
        target = self.world.clock + max(0.0, seconds)
        done = []
        while True:
            due = [j for j in self.world.jobs if j.state == "Running" and j.end is not None and j.end <= target]
            if not due:
                break
            job = min(due, key=lambda j: (j.end, j.id))
            self.world.clock = max(self.world.clock, job.end)
            self._complete(job)
            done.append(job)
        self.world.clock = target
        return done

    def wait(self, job: Job) -> Job:
        """Advance the clock until ``job`` is Completed or Failed (Wait-Job)."""
        while job.state in ("Queued", "Running"):
            running = [j for j in self.world.jobs if j.state == "Running"]
            if not running:
                self._start_queued()
                if job.state == "Queued":
                    break
                continue
            self.advance(min(j.end for j in running) - self.world.clock)
        return job

    def run_until_idle(self) -> list[Job]:
        """Advance the clock until no job is running or queued; returns the jobs completed or failed."""
        done = []
        while True:
            running = [j for j in self.world.jobs if j.state == "Running"]
            if not running:
                break
            done += self.advance(min(j.end for j in running) - self.world.clock)
        return done

    @property
    def now(self) -> float:
        """Simulated seconds since the lab was built."""
        return self.world.clock

    def jobs(self) -> list[Job]:
        """The job log, oldest first."""
        return list(self.world.jobs)
