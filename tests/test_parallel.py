"""Grading a submission's exercises side by side: forked grading processes, one torch import for all."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from conftest import ROOT, SUBMISSIONS, outcomes, submission_with
from processes import alive, descendants

from grader.check.parallel import ParallelChecker
from grader.check.run import CheckRequest
from grader.shared.outcome import Outcome

pytestmark = pytest.mark.slow


def _command(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


def _submission(tmp_path: Path) -> Path:
    folder = submission_with(tmp_path, "linear_model", SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py")
    for name in ("encoding", "metrics"):
        (folder / f"{name}.py").write_text((ROOT / "solutions" / f"{name}.py").read_text())
    return folder


def test_forked_grading_processes_give_the_verdicts_of_one_process_and_leave_nothing(tmp_path, grade):
    assert threading.active_count() == 1, f"threads left running by earlier tests: {threading.enumerate()}"
    folder = _submission(tmp_path)
    before = descendants(os.getpid())
    request = CheckRequest(submission=folder, exercises=["metrics", "linear_model", "encoding"], include_hidden=True,
                           seed=1234)
    with ParallelChecker(2) as checker:
        family = descendants(os.getpid()) - before
        # Forks of this process (its command line), not interpreters of grader.grade.pool; and one zygote
        # started for them all, the grading processes' own zygotes forked from it.
        assert all(_command(pid) == _command(os.getpid()) for pid in checker.pids)
        zygotes = [pid for pid in family if "grader.worker.zygote" in _command(pid)]
        assert len(zygotes) == 3
        first = [pid for pid in zygotes if Path(f"/proc/{pid}/stat").read_text().split()[3] == str(os.getpid())]
        assert len(first) == 1 and set(zygotes) - set(first) <= descendants(first[0])
        result = checker.check(request)
    assert not any(alive(pid) for pid in family)
    alone = grade(folder, "linear_model", "encoding", "metrics")
    # The course's order, whatever order the exercises were named or finished in; the same verdicts.
    assert [e.name for e in result.exercises] == ["linear_model", "encoding", "metrics"]
    assert outcomes(result) == outcomes(alone)
    assert outcomes(result)["gradient_matches_autograd"] == Outcome.FAILED
    assert result.isolation == "fork"


def test_with_a_thread_running_the_grading_processes_are_fresh_interpreters(tmp_path):
    """Forking a process that runs threads copies locks they may hold: such a pool spawns instead."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with ParallelChecker(1) as checker:
            pid = checker.pids[0]
            # Should this fail again with an empty command line (seen once), the state says why.
            assert "grader.grade.pool" in _command(pid), Path(f"/proc/{pid}/status").read_text()[:400]
            result = checker.check(CheckRequest(submission=ROOT / "solutions", exercises=["metrics"], seed=1))
    finally:
        stop.set()
        thread.join()
    assert result.all_passed
