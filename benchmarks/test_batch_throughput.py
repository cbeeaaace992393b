"""Batch grading: 50 copies of the reference through the zygote pool, against a fresh process per submission.

Both arms grade the same 50 submissions (linear_model, hidden checks included) with the same
number of submissions at once (``WORKERS``), in one run, so that their ratio holds on a
noisy machine. The fresh-process arm runs ``grader check`` once per submission, as a script
around the student command would: each imports torch and starts a zygote of its own. The
pool's overhead per submission is its steady-state time per submission and per grading
process, less the time the checks themselves took (``CheckResult.duration_s``, which
includes the calls into the student's worker).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader.grade.batch import BatchRequest, grade_batch
from grader.grade.gradebook import FILE_NAME, Gradebook

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = 50
WORKERS = 2


def _class(folder: Path) -> Path:
    for number in range(SUBMISSIONS):
        (folder / f"student{number:02d}").mkdir(parents=True)
        # Each copy differs by a comment: identical submissions are graded once, and this measures grading.
        source = (ROOT / "solutions" / "linear_model.py").read_text(encoding="utf-8")
        (folder / f"student{number:02d}" / "linear_model.py").write_text(f"{source}\n# student {number}\n",
                                                                         encoding="utf-8")
    return folder


def _pool_arm(submissions: Path, out: Path, workers: int) -> dict[str, float]:
    ends: list[float] = []
    start = time.perf_counter()
    grade_batch(BatchRequest(submissions, out, exercises=["linear_model"], workers=workers, seed=1),
                on_progress=lambda progress: ends.append(time.perf_counter()) if progress.done else None)
    total = time.perf_counter() - start
    book = Gradebook(out / FILE_NAME)
    results = [run.result for run in book.latest_runs()]
    book.close()
    assert len(results) == SUBMISSIONS and all(r.points == r.max_points for r in results)
    checks_s = statistics.fmean(sum(c.duration_s for c in r.checks) for r in results)
    # Steady state: from the first submission done to the last, each grading process busy throughout.
    per_submission_s = (ends[-1] - ends[0]) * workers / (len(ends) - 1)
    return {"total_s": total, "first_result_s": ends[0] - start, "per_submission_s": per_submission_s,
            "checks_s": checks_s, "overhead_s": per_submission_s - checks_s,
            "in_process_overhead_s": statistics.fmean(r.duration_s - sum(c.duration_s for c in r.checks)
                                                      for r in results)}


def _fresh_process_arm(submissions: Path, out: Path) -> float:
    def check(folder: Path) -> None:
        subprocess.run([sys.executable, "-m", "grader.cli", "check", "linear_model", "--hidden", "--submission",
                        str(folder), "--out", str(out / folder.name)], cwd=ROOT, capture_output=True, check=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as executor:
        list(executor.map(check, sorted(submissions.iterdir())))
    return time.perf_counter() - start


def test_the_pool_against_a_fresh_process_per_submission(benchmark, tmp_path):
    submissions = _class(tmp_path / "class")
    pool = benchmark.pedantic(_pool_arm, args=(submissions, tmp_path / "pool", WORKERS), rounds=1, iterations=1)
    fresh_s = _fresh_process_arm(submissions, tmp_path / "fresh")
    one_worker = _pool_arm(submissions, tmp_path / "pool-1", 1)
    benchmark.extra_info.update(
        submissions=SUBMISSIONS, workers=WORKERS,
        pool_total_s=round(pool["total_s"], 2), fresh_processes_total_s=round(fresh_s, 2),
        speedup=round(fresh_s / pool["total_s"], 2),
        pool_first_result_s=round(pool["first_result_s"], 2),
        pool_per_submission_s=round(pool["per_submission_s"], 3),
        checks_per_submission_s=round(pool["checks_s"], 3),
        pool_overhead_per_submission_s=round(pool["overhead_s"], 3),
        one_worker_per_submission_s=round(one_worker["per_submission_s"], 3),
        one_worker_overhead_per_submission_s=round(one_worker["overhead_s"], 3),
        one_worker_in_process_overhead_s=round(one_worker["in_process_overhead_s"], 3),
    )
    print(benchmark.extra_info)


def test_one_grading_process_against_one_per_core(benchmark, tmp_path):
    """Wall seconds per submission (steady state) with 1 and with WORKERS grading processes, alternated A B A B."""
    submissions = _class(tmp_path / "class")

    def alternate() -> dict[int, list[float]]:
        per_submission: dict[int, list[float]] = {1: [], WORKERS: []}
        for round_number in range(2):
            for workers in (1, WORKERS):
                measured = _pool_arm(submissions, tmp_path / f"pool-{workers}-{round_number}", workers)
                per_submission[workers].append(measured["per_submission_s"] / workers)
        return per_submission

    per_submission = benchmark.pedantic(alternate, rounds=1, iterations=1)
    benchmark.extra_info.update({f"wall_s_per_submission_{w}_workers": [round(t, 3) for t in times]
                                 for w, times in per_submission.items()})
    print(benchmark.extra_info)
