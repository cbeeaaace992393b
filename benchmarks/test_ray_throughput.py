"""Grading on Ray: one node against two nodes of this machine, and Ray's overhead against the local pool.

The arms grade the same class (linear_model, hidden checks included, every submission's
content distinct so that each is graded) in one run: on a Ray cluster of one node of one
CPU, on the same cluster once a second node of one CPU has joined, and on the local pool
with two grading processes. The figures are steady-state seconds per submission and per
grading process (from the first result to the last), so the actors' and processes' start
(importing torch) is left out; it is reported apart as ``first_result_s``. Ray's overhead
per submission is its two-node figure less the local pool's.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grader.grade.batch import BatchRequest, grade_batch
from grader.grade.gradebook import FILE_NAME, Gradebook

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install '.[ray]'")
cluster_utils = pytest.importorskip("ray.cluster_utils")

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = 24


def _class(folder: Path) -> Path:
    source = (ROOT / "solutions" / "linear_model.py").read_text()
    for number in range(SUBMISSIONS):
        (folder / f"student{number:02d}").mkdir(parents=True)
        (folder / f"student{number:02d}" / "linear_model.py").write_text(f"{source}\n# {number}\n")
    return folder


def _arm(submissions: Path, out: Path, processes: int, **options) -> dict[str, float]:
    ends: list[float] = []
    start = time.perf_counter()
    grade_batch(BatchRequest(submissions, out, exercises=["linear_model"], seed=1, **options),
                on_progress=lambda progress: ends.append(time.perf_counter()) if progress.done else None)
    total = time.perf_counter() - start
    book = Gradebook(out / FILE_NAME)
    results = [run.result for run in book.latest_runs()]
    book.close()
    assert len(results) == SUBMISSIONS and all(r.points == r.max_points for r in results)
    return {"total_s": total, "first_result_s": ends[0] - start,
            "per_submission_s": (ends[-1] - ends[0]) * processes / (len(ends) - 1)}


def test_two_nodes_against_one_and_ray_against_the_local_pool(benchmark, tmp_path):
    submissions = _class(tmp_path / "class")
    cluster = cluster_utils.Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    try:
        cluster.wait_for_nodes()
        one = _arm(submissions, tmp_path / "one-node", 1, ray=cluster.address)
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        two = benchmark.pedantic(_arm, args=(submissions, tmp_path / "two-nodes", 2), kwargs={"ray": cluster.address},
                                 rounds=1, iterations=1)
    finally:
        cluster.shutdown()
    local = _arm(submissions, tmp_path / "local", 2, workers=2)
    benchmark.extra_info.update(
        submissions=SUBMISSIONS,
        one_node_total_s=round(one["total_s"], 2), two_nodes_total_s=round(two["total_s"], 2),
        local_pool_total_s=round(local["total_s"], 2),
        two_nodes_speedup=round(one["total_s"] / two["total_s"], 2),
        # Submissions per second in the steady state, two nodes over one.
        two_nodes_throughput_ratio=round((2 / two["per_submission_s"]) / (1 / one["per_submission_s"]), 2),
        one_node_per_submission_s=round(one["per_submission_s"], 3),
        two_nodes_per_submission_s=round(two["per_submission_s"], 3),
        local_pool_per_submission_s=round(local["per_submission_s"], 3),
        ray_overhead_per_submission_s=round(two["per_submission_s"] - local["per_submission_s"], 3),
        one_node_first_result_s=round(one["first_result_s"], 2),
        two_nodes_first_result_s=round(two["first_result_s"], 2),
        local_pool_first_result_s=round(local["first_result_s"], 2),
    )
    print(benchmark.extra_info)
