"""Grading several exercises of one submission side by side, one grading process per core.

Each exercise is a job for a :class:`~grader.grade.pool.GradingPool`: the processes take
the next exercise as they free up, and the results are put back in the course's order, so
the report reads as a run in one process would.

Where workers are forked (Linux), a :class:`ParallelChecker` imports torch once for all of
them: it starts one zygote, imports torch itself meanwhile, and then forks its grading
processes from itself and a zygote for each from that one, all before this process starts
a thread (the CLI's spinner) — so it is made before the spinner starts. Elsewhere its
grading processes are fresh interpreters, each with its own zygote.
"""

from __future__ import annotations

import datetime
import gc
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from grader.check.launcher import ZygoteLauncher, start_launcher
from grader.grade.pool import GradingPool, Job
from grader.results import CheckResult, RunResult

if TYPE_CHECKING:  # grader.check.run imports torch, which the CLI imports only once its zygote has started
    from grader.check.run import CheckRequest

#: Seconds one exercise's grading may take before its grading process is killed.
EXERCISE_DEADLINE_S = 900.0


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class ParallelChecker:
    """``processes`` grading processes, started now and kept until :meth:`close`."""

    def __init__(self, processes: int) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="grader-parallel-")
        scratch = Path(self._scratch.name)
        launcher = start_launcher(wait=False)  # its torch import runs beside ours
        self._zygote = launcher if isinstance(launcher, ZygoteLauncher) else None
        try:
            from grader.check import run

            run.warm_up()
            # What the grading processes inherit, frozen: their garbage collections (pytest runs
            # two per exercise) then skip torch's objects and leave their pages shared.
            gc.freeze()
            if self._zygote is not None:
                self._zygote.wait_until_ready()
            self._pool = GradingPool(processes, scratch / "logs", scratch / "tmp", zygote=self._zygote)
        except BaseException:
            self._close_zygote()
            self._scratch.cleanup()
            raise
        if self._zygote is None:
            launcher.close()

    @property
    def pids(self) -> list[int]:
        """The grading processes' ids."""
        return self._pool.pids

    def check(self, request: CheckRequest, on_result: Callable[[CheckResult], None] | None = None) -> RunResult:
        """Grade ``request`` as :func:`~grader.check.run.run_checks` does, its exercises spread over the processes."""
        from grader.check.run import run_result, validated
        from grader.render.html import draw_charts_ahead

        submission, exercises = validated(request.submission, request.exercises)
        seed = request.seed if request.seed is not None else secrets.randbits(32)
        started, clock = datetime.datetime.now(datetime.UTC), time.perf_counter()
        jobs = [Job(key=e.name, submission=submission.resolve(), exercises=[e.name],
                    include_hidden=request.include_hidden, seed=seed, limits=request.limits,
                    deadline_s=EXERCISE_DEADLINE_S) for e in exercises]
        done: dict[str, RunResult] = {}
        drawn: set[str] = set()
        for finished in self._pool.grade(jobs, on_check=lambda _, check: on_result and on_result(check)):
            if finished.result is None:
                raise RuntimeError(f"the checks of {finished.job.key} could not be run: {finished.error}")
            done[finished.job.key] = finished.result
            if 0 < len(jobs) - len(done) < self._pool.size:
                # Every job left is running and this one's process has none to take: its core
                # would be idle, so the report's charts are drawn now rather than after the last.
                draw_charts_ahead(exercise for key, result in done.items() if key not in drawn
                                  for exercise in result.exercises)
                drawn.update(done)
        results = [done[e.name] for e in exercises]
        return run_result(request, submission, seed, started, clock, isolation=results[0].isolation,
                          exercises=[exercise for result in results for exercise in result.exercises],
                          warnings=list(dict.fromkeys(w for result in results for w in result.warnings)))

    def _close_zygote(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None

    def close(self) -> None:
        """Stop the grading processes (each stops its zygote and workers), then the first zygote."""
        try:
            self._pool.close()
        finally:
            self._close_zygote()
            self._scratch.cleanup()

    def __enter__(self) -> ParallelChecker:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

