"""Grading several exercises of one submission side by side, one grading process per core.

Each exercise is a job for a :class:`~grader.grade.pool.GradingPool`: the processes take
the next exercise as they free up, each with its own zygote, and the results are put back
in the course's order, so the report reads as a run in one process would.
"""

from __future__ import annotations

import datetime
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

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


def run_checks_in_parallel(request: CheckRequest, processes: int,
                           on_result: Callable[[CheckResult], None] | None = None) -> RunResult:
    """Grade ``request`` as :func:`~grader.check.run.run_checks` does, its exercises spread over ``processes``."""
    from grader.check.run import _validated, grader_version

    submission, exercises = _validated(request.submission, request.exercises)
    seed = request.seed if request.seed is not None else secrets.randbits(32)
    started, clock = datetime.datetime.now(datetime.UTC), time.perf_counter()
    jobs = [Job(key=e.name, submission=submission.resolve(), exercises=[e.name], include_hidden=request.include_hidden,
                seed=seed, limits=request.limits, deadline_s=EXERCISE_DEADLINE_S) for e in exercises]
    done: dict[str, RunResult] = {}
    with tempfile.TemporaryDirectory(prefix="grader-parallel-") as scratch:
        pool = GradingPool(min(processes, len(jobs)), Path(scratch) / "logs", Path(scratch) / "tmp")
        try:
            for finished in pool.grade(jobs, on_check=lambda _, check: on_result and on_result(check)):
                if finished.result is None:
                    raise RuntimeError(f"the checks of {finished.job.key} could not be run: {finished.error}")
                done[finished.job.key] = finished.result
        finally:
            pool.close()
    results = [done[e.name] for e in exercises]
    return RunResult(
        submission=str(submission),
        started_at=started.isoformat(timespec="seconds"),
        duration_s=round(time.perf_counter() - clock, 3),
        grader_version=grader_version(),
        seed=seed,
        include_hidden=request.include_hidden,
        isolation=results[0].isolation,
        exercises=[exercise for result in results for exercise in result.exercises],
        warnings=list(dict.fromkeys(w for result in results for w in result.warnings)),
    )
