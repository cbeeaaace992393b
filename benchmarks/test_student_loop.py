"""The student's loop: a cold `grader check` of one exercise, a warm re-check, the whole course.

Each figure is a ratio within one run, pairs interleaved (this machine is noisy):

- cold: `grader check linear_model` over a bare `import torch, torchvision`; "before" is the
  serial path, where the grader imports torch and only then starts its zygote, which imports
  torch again;
- warm: a :class:`~grader.check.warm.WarmChecker` re-checking linear_model, its time beyond the
  checks' own, and over a cold check;
- course: `grader check` of every exercise, in one grading process per core (forked, one torch
  import for all) over `--jobs 1`, and over a bare import (the machine's speed).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from grader.check.run import CheckRequest
from grader.check.warm import WarmChecker

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 5
BARE = [sys.executable, "-c", "import torch, torchvision"]
#: The code path before the zygote started first: run_checks imports torch, then starts the zygote.
SERIAL = [sys.executable, "-c", "from pathlib import Path; from grader.check.run import CheckRequest, run_checks; "
          "run_checks(CheckRequest(submission=Path('solutions'), exercises=['linear_model']))"]


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def _check(tmp_path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "grader.cli", "check", *args, "--submission", "solutions", "--out", str(tmp_path)]


def test_cold_check_of_one_exercise_against_a_bare_torch_import(benchmark, tmp_path):
    check = _check(tmp_path, "linear_model")
    rounds = [(_seconds(BARE), _seconds(check), _seconds(SERIAL)) for _ in range(ROUNDS)]
    benchmark.extra_info.update(
        bare_import_s=[b for b, _, _ in rounds], check_s=[c for _, c, _ in rounds],
        serial_s=[s for _, _, s in rounds],
        ratio_median=statistics.median(c / b for b, c, _ in rounds),
        before_ratio_median=statistics.median(s / b for b, _, s in rounds),
    )
    benchmark.pedantic(_seconds, args=(check,), rounds=1, iterations=1)


def test_warm_recheck_of_one_exercise(benchmark, tmp_path):
    request = CheckRequest(submission=ROOT / "solutions", exercises=["linear_model"], seed=5)
    with WarmChecker() as checker:
        checker.check(request)
        walls, overheads = [], []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            result = checker.check(request)
            walls.append(time.perf_counter() - start)
            overheads.append(walls[-1] - sum(c.duration_s for c in result.checks))
        cold = [_seconds(_check(tmp_path, "linear_model")) for _ in range(2)]
        benchmark.extra_info.update(
            warm_s=walls, beyond_the_checks_s=overheads, cold_s=cold,
            beyond_the_checks_median_s=statistics.median(overheads),
            ratio_to_cold_median=statistics.median(walls) / statistics.median(cold),
        )
        benchmark.pedantic(checker.check, args=(request,), rounds=1, iterations=1)


def test_whole_course_in_parallel_against_one_process(benchmark, tmp_path):
    parallel, serial = _check(tmp_path / "parallel"), _check(tmp_path / "serial", "--jobs", "1")
    pairs = [(_seconds(serial), _seconds(parallel))]
    bare = _seconds(BARE)
    benchmark.extra_info.update(
        one_process_s=[s for s, _ in pairs], parallel_s=[p for _, p in pairs], bare_import_s=bare,
        ratio_median=statistics.median(p / s for s, p in pairs),
        # The machine's speed, to read parallel_s against a target set on another machine.
        parallel_over_bare_import=statistics.median(p for _, p in pairs) / bare,
    )
    benchmark.pedantic(_seconds, args=(parallel,), rounds=1, iterations=1)
