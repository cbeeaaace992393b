"""The cost of one probe round trip to a worker, against calling the same function in-process."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
import torch

from grader.check.launcher import start_launcher
from grader.shared.limits import Limits

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"
CALLS = 300


@pytest.fixture(scope="module")
def worker():
    launcher = start_launcher("fork")
    started = launcher.start_worker(SOLUTIONS, Limits(), exercise="linear_model")
    yield started
    started.close()
    launcher.close()


def test_ping_round_trip(benchmark, worker):
    benchmark(worker.call, "common.ping", 10, payload=1)


def test_calling_forward_in_a_worker_against_in_process(benchmark, worker):
    from solutions import linear_model

    x, w = torch.randn(100), torch.tensor(2.0)
    remote, local = [], []
    for _ in range(CALLS):  # alternated, in one run
        start = time.perf_counter()
        worker.call("common.call", 10, name="forward", args=[x, w])
        remote.append(time.perf_counter() - start)
        start = time.perf_counter()
        linear_model.forward(x, w)
        local.append(time.perf_counter() - start)
    benchmark.extra_info.update(
        worker_call_median_s=statistics.median(remote), in_process_median_s=statistics.median(local),
        overhead_median_s=statistics.median(remote) - statistics.median(local),
    )
    benchmark(worker.call, "common.call", 10, name="forward", args=[x, w])


def test_forking_a_worker(benchmark):
    launcher = start_launcher("fork")
    try:
        benchmark.pedantic(lambda: launcher.start_worker(SOLUTIONS, Limits(), exercise="linear_model").close(), rounds=20, iterations=1)
    finally:
        launcher.close()
