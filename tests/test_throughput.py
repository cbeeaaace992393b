"""Throughput measurement: fair to both sides, and impossible to win by skipping work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from conftest import ROOT, SUBMISSIONS

from grader import catalog
from grader.check.session import SubmissionSession
from grader.judge import throughput
from grader.judge.core import Verdict
from grader.shared.limits import Limits
from solutions import encoding as reference_encoding

ROUNDS = 15


@pytest.fixture
def sessions(launcher, tmp_path):
    opened = []

    def open_session(folder: Path) -> SubmissionSession:
        opened.append(SubmissionSession(launcher, folder, Limits(threads=1)))
        return opened[-1]

    yield open_session
    for session in opened:
        session.close()


def _encoding_from(tmp_path: Path, source: Path) -> Path:
    folder = tmp_path / source.stem
    folder.mkdir()
    shutil.copy(source, folder / "encoding.py")
    return folder


def _measure(sessions, student_dir: Path) -> throughput.Measurement:
    exercise = catalog.find("encoding")
    student = sessions(student_dir).student(exercise)
    reference = sessions(ROOT / "solutions").student(exercise)
    return throughput.measure(student, reference, "encoding.one_hot", reference_encoding,
                              torch.Generator().manual_seed(5), rounds=ROUNDS, target_s=0.1)


def test_the_reference_against_itself_gives_a_ratio_near_one(sessions):
    measurement = _measure(sessions, ROOT / "solutions")
    assert 0.9 <= measurement.ratio <= 1.1, measurement.ratios
    assert len(measurement.ratios) == ROUNDS and measurement.calls_per_round >= 1


def test_doing_the_work_twice_takes_about_twice_as_long(sessions, tmp_path):
    measurement = _measure(sessions, _encoding_from(tmp_path, SUBMISSIONS / "throughput" / "does_the_work_twice.py"))
    assert 1.8 <= measurement.slowdown <= 2.2, measurement.ratios


def test_returning_a_cached_result_fails_the_verification(sessions, tmp_path):
    with pytest.raises(Verdict, match="wrong values on fresh inputs"):
        _measure(sessions, _encoding_from(tmp_path, SUBMISSIONS / "throughput" / "caches_its_result.py"))


def test_a_python_loop_fails_the_floor_saying_how_many_times_slower(grade, tmp_path):
    folder = _encoding_from(tmp_path, SUBMISSIONS / "encoding" / "python_loop.py")
    check = {c.name: c for c in grade(folder, "encoding").checks}["one_hot_throughput"]
    assert check.outcome == "failed" and "× slower than the reference" in check.message


def test_the_figures_reach_the_results(grade):
    check = {c.name: c for c in grade(ROOT / "solutions", "encoding").checks}["one_hot_throughput"]
    for key in ("ratios", "median_ratio", "ratio_quartiles", "student_items_per_s", "reference_items_per_s", "device"):
        assert key in check.details


def test_the_gpu_is_measured_where_there_is_one(launcher):
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here")
    exercise = catalog.find("encoding")
    launcher_sessions = [SubmissionSession(launcher, ROOT / "solutions", Limits(), "cuda") for _ in range(2)]
    try:
        student, reference = (s.student(exercise) for s in launcher_sessions)
        measurement = throughput.measure(student, reference, "encoding.one_hot", reference_encoding,
                                         torch.Generator().manual_seed(1), rounds=5, device="cuda")
        assert measurement.device == "cuda" and 0.5 <= measurement.ratio <= 2.0
    finally:
        for session in launcher_sessions:
            session.close()
