"""Grades that wrong or slow code cannot fake: in the speed check, on the wire, and through the seed.

Each folder under ``_faking/`` holds an ``encoding.py`` that tries to pass the speed floor of
``one_hot`` without being fast, in one way; its test shows the way is closed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from conftest import ROOT
from grader import catalog
from grader.judge import throughput
from grader.judge.core import Verdict
from grader.check.run import CheckRequest, run_checks
from grader.check.session import SubmissionSession
from grader.shared.limits import Limits
from solutions import encoding as reference_encoding

CASES = Path(__file__).parent / "_faking"


@pytest.fixture
def judge_one_hot(launcher):
    """Judge a case's ``one_hot`` against the reference's speed, as the encoding check does."""
    opened: list[SubmissionSession] = []

    def judge(case: str) -> throughput.Measurement:
        exercise = catalog.find("encoding")
        handles = []
        for folder in (CASES / case, ROOT / "solutions"):
            opened.append(SubmissionSession(launcher, folder, Limits(threads=1)))
            handles.append(opened[-1].student(exercise))
        student, reference = handles
        try:
            return throughput.judge(student, reference, "encoding.one_hot", reference_encoding,
                                    torch.Generator().manual_seed(11),
                                    floor=exercise.threshold("one_hot_speed_floor"),
                                    rounds=int(exercise.threshold("speed_rounds")), advice="use one scatter_ call")
        finally:
            judge.details = student.details

    yield judge
    for session in opened:
        session.close()


def test_a_lazy_result_filled_in_by_a_python_loop_after_the_timing_fails(judge_one_hot):
    with pytest.raises(Verdict) as caught:
        judge_one_hot("lazy_python_loop")
    assert caught.value.outcome == "failed"
    assert "a subclass of torch.Tensor" in caught.value.message and "plain torch.Tensor" in caught.value.message


def test_helpers_spinning_while_the_reference_is_timed_do_not_lift_a_slow_one_hot_over_the_floor(judge_one_hot):
    with pytest.raises(Verdict, match="× slower than the reference") as caught:
        judge_one_hot("spinning_helpers")
    assert caught.value.outcome == "failed"
    assert "frozen" in judge_one_hot.details["student_while_reference_timed"]


def _inputs_sent(launcher, *, include_hidden: bool, seed: int) -> str:
    request = CheckRequest(submission=CASES / "echoes_its_inputs", exercises=["encoding"],
                           include_hidden=include_hidden, seed=seed)
    check = {c.name: c for c in run_checks(request, launcher=launcher).checks}["one_hot_matches_reference"]
    assert "inputs seen" in check.message, check.message
    return check.message


def test_a_run_with_hidden_checks_draws_a_public_checks_inputs_from_its_secret_seed(launcher):
    assert _inputs_sent(launcher, include_hidden=True, seed=1) != _inputs_sent(launcher, include_hidden=True, seed=2)


def test_a_public_only_run_sends_the_public_inputs_whatever_its_seed(launcher):
    assert _inputs_sent(launcher, include_hidden=False, seed=1) == _inputs_sent(launcher, include_hidden=False, seed=2)
