"""Workers: forked from the zygote, limited, and turned into verdicts when they misbehave."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import torch
from processes import alive

from grader.check.launcher import WorkerDied, start_launcher
from grader.shared.limits import Limits

STUDENT = '''
import os, time, torch
def forward(x, w):
    print("hello from the student")
    return x * w
def spin(x, w):
    while True:
        pass
def leave(x, w):
    os._exit(3)
def crash(x, w):
    import ctypes
    ctypes.string_at(0)
def hog(x, w):
    return torch.ones(2**34, dtype=torch.uint8).sum()
'''


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    (tmp_path / "linear_model.py").write_text(STUDENT)
    return tmp_path


def test_a_worker_runs_a_two_thread_matmul_after_the_zygote_warmed_up(launcher, submission):
    worker = launcher.start_worker(submission, Limits(threads=2), exercise="linear_model")
    reply = worker.call("common.environment", 30)
    assert reply.status == "ok"
    assert reply.value["threads"] == 2 and reply.value["matmul"] == 256.0**3
    assert reply.value["cwd"] == str(submission)
    worker.close()


def test_torchvision_is_importable_by_the_first_worker_and_preloaded_for_the_next(launcher, tmp_path):
    """The zygote imports torchvision once it has forked a worker: code that uses the notes' transforms works either way."""
    (tmp_path / "linear_model.py").write_text(
        "import sys\nWAS_LOADED = 'torchvision' in sys.modules\nfrom torchvision import transforms\n\n"
        "def forward(x, w):\n    return [WAS_LOADED, type(transforms.Normalize((0.5,), (0.5,))).__name__]\n")
    seen = []
    for _ in range(2):
        worker = launcher.start_worker(tmp_path, Limits(), exercise="linear_model")
        reply = worker.call("common.call", 60, name="forward", args=[1, 2])
        assert reply.status == "ok", reply.message
        seen.append(reply.value["result"])
        worker.close()
    assert all(name == "Normalize" for _, name in seen)
    assert seen[-1][0] is True  # a later worker finds it imported


def test_a_call_returns_the_result_and_the_output_is_captured_apart(launcher, submission):
    worker = launcher.start_worker(submission, Limits(), exercise="linear_model")
    mark = worker.tap.mark()
    reply = worker.call("common.call", 10, name="forward", args=[torch.arange(3.0), torch.tensor(2.0)])
    assert torch.equal(reply.value["result"].data, torch.tensor([0.0, 2.0, 4.0]))
    assert worker.tap.since(mark) == "hello from the student\n"
    worker.close()


@pytest.mark.parametrize(
    ("function", "verdict"),
    [("spin", "timeout"), ("leave", "exited"), ("crash", "crashed")],
)
def test_a_misbehaving_call_becomes_a_verdict(launcher, submission, function, verdict):
    worker = launcher.start_worker(submission, Limits(), exercise="linear_model")
    start = time.monotonic()
    with pytest.raises(WorkerDied) as died:
        worker.call("common.call", 2, name=function, args=[1, 2])
    assert died.value.outcome == verdict
    assert time.monotonic() - start < 10
    with pytest.raises(WorkerDied):  # a dead worker stays dead
        worker.call("common.ping", 2)


def test_the_memory_limit_turns_a_huge_allocation_into_a_memory_verdict(launcher, submission):
    worker = launcher.start_worker(submission, Limits(memory_mb=512), exercise="linear_model")
    reply = worker.call("common.call", 30, name="hog", args=[1, 2])
    assert reply.status == "memory"
    worker.close()


def test_output_beyond_the_limit_is_counted_not_kept(launcher, tmp_path):
    (tmp_path / "linear_model.py").write_text("def forward(x, w):\n    print('x' * 10_000_000)\n    return 1\n")
    worker = launcher.start_worker(tmp_path, Limits(), exercise="linear_model")
    mark = worker.tap.mark()
    assert worker.call("common.call", 30, name="forward", args=[1, 2]).status == "ok"
    shown = worker.tap.since(mark)
    assert len(shown) < 20_000 and "10000001 bytes of output in all" in shown
    worker.close()


@pytest.mark.slow
def test_spawned_workers_serve_the_same_probes():
    spawner = start_launcher("spawn")
    try:
        worker = spawner.start_worker(Path(__file__).resolve().parents[1] / "solutions", Limits(), exercise="linear_model")
        reply = worker.call("common.call", 60, name="forward", args=[torch.ones(2), torch.tensor(3.0)])
        assert torch.equal(reply.value["result"].data, torch.full((2,), 3.0))
        worker.close()
    finally:
        spawner.close()


def test_a_zygote_forked_from_the_zygote_serves_its_own_workers_and_ends_when_closed(launcher, submission):
    """What ``grader check`` forks each grading process's zygote from: as warm as the first, still single-threaded."""
    forked = launcher.fork_zygote()
    assert forked.pid not in (None, launcher.pid)
    worker = forked.start_worker(submission, Limits(threads=2), exercise="linear_model")
    reply = worker.call("common.environment", 30)
    assert reply.status == "ok"
    assert reply.value["threads"] == 2 and reply.value["matmul"] == 256.0**3
    assert worker.call("common.call", 30, name="forward", args=[3, 2]).value["result"] == 6
    worker.close()
    forked.close()
    assert not alive(forked.pid)
    again = launcher.start_worker(submission, Limits(), exercise="linear_model")  # the first one serves on
    assert again.call("common.call", 30, name="forward", args=[2, 2]).value["result"] == 4
    again.close()
