"""Throughput of a student's object relative to the reference, measured fairly.

Student and reference run in identical workers forked from the same zygote, with the same
thread count, on the same fresh inputs, alternated round by round (A B, then B A). The
grader times each call itself, around the round trips of the call and of the digest of its
outputs at positions it draws then; a round is long enough (``target_s``) that the round
trips are negligible. Every round's digests are verified against what the reference
computes in the grader's own process, so caching, skipping or deferring work cannot win.
While the reference is timed, every process of the student's worker is stopped, so that
nothing the student started can slow the reference down. The figure is the median of the
per-round ratios, with its spread.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import asdict, dataclass
from typing import Any

import torch

from grader.check.launcher import frozen
from grader.judge import expect
from grader.judge.core import Student, Verdict, fail
from grader.shared.outcome import Outcome
from grader.shared.speed import DIGEST_POSITIONS, Subject, subjects

WARMUP_ROUNDS = 1


@dataclass
class Measurement:
    """Throughput of one object: the student's against the reference's, on one device."""

    subject: str
    title: str
    device: str
    items_per_call: int
    calls_per_round: int
    student_s: list[float]
    reference_s: list[float]
    #: What was done to the student's processes while the reference was timed.
    student_while_reference_timed: str = ""

    @property
    def ratios(self) -> list[float]:
        """Per round: the student's throughput over the reference's (1.0 = as fast)."""
        return [r / s for r, s in zip(self.reference_s, self.student_s)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> tuple[float, float]:
        """The lower and upper quartile of the per-round ratios."""
        ratios = sorted(self.ratios)
        if len(ratios) < 2:
            return ratios[0], ratios[0]
        low, _, high = statistics.quantiles(ratios, n=4, method="inclusive")
        return low, high

    @property
    def slowdown(self) -> float:
        """How many times longer the student's code takes (median of the per-round ratios)."""
        return statistics.median(s / r for s, r in zip(self.student_s, self.reference_s))

    def items_per_s(self, seconds: list[float]) -> float:
        return self.items_per_call * self.calls_per_round / statistics.median(seconds)

    def to_details(self) -> dict[str, Any]:
        """The figures a report shows: what ``grader bench`` prints, as plain data."""
        return {
            **asdict(self),
            "ratios": self.ratios,
            "median_ratio": self.ratio,
            "ratio_quartiles": list(self.spread),
            "slowdown": self.slowdown,
            "student_items_per_s": self.items_per_s(self.student_s),
            "reference_items_per_s": self.items_per_s(self.reference_s),
        }


def expected_digests(subject: Subject, reference_module: Any, seeds: list[int],
                     positions: torch.Tensor) -> list[torch.Tensor]:
    """What the reference gives on the inputs of ``seeds``, computed in this (trusted) process."""
    target = subject.setup(reference_module, "cpu")
    return [subject.digest(subject.call(target, subject.make_inputs(seed, "cpu")), positions) for seed in seeds]


def _timed_round(handle: Student, name: str, seeds: list[int], positions: torch.Tensor,
                 timeout_s: float) -> tuple[float, Any]:
    handle.probe("bench.prepare", what=f"preparing {name}", subject=name, seeds=seeds)
    start = time.perf_counter()
    handle.probe("bench.run", what=name, timeout_s=timeout_s)
    digests = handle.probe("bench.digest", what=name, timeout_s=timeout_s, positions=positions)
    return time.perf_counter() - start, digests


def _verify(digests: Any, expected: list[torch.Tensor], subject: Subject, name: str) -> None:
    if not isinstance(digests, list) or len(digests) != len(expected):
        raise fail(f"{name} did not return one output per input")
    rtol, atol = subject.tolerance
    for got, want in zip(digests, expected):
        if isinstance(got, str):
            raise fail(f"{subject.title}: during the timing your code returned {got[:200]}; return a plain "
                       "torch.Tensor holding the computed values (work left for later is not measured)")
        if not isinstance(got, expect.RemoteTensor) or got.shape != tuple(want.shape) or not expect.compare(
                got.data, want, rtol=rtol, atol=atol)[0]:
            raise fail(f"{name} returned wrong values on fresh inputs during the timing: a result must be "
                       "computed from each call's own inputs")


def measure(student: Student, reference: Student, name: str, reference_module: Any, generator: torch.Generator,
            *, rounds: int = 7, target_s: float = 0.05, device: str = "cpu", calls: int | None = None) -> Measurement:
    """Time ``name`` (a key of :func:`~grader.shared.speed.subjects`) for the student against the reference.

    ``calls`` per round is sized on the reference to last about ``target_s`` unless given.
    """
    subject = subjects()[name]

    def seeds(count: int) -> list[int]:
        return torch.randint(0, 2**31, (count,), generator=generator).tolist()

    def reference_round(round_seeds: list[int], positions: torch.Tensor, timeout_s: float) -> tuple[float, Any]:
        with frozen(student.worker()) as what:
            isolation.add(what)
            return _timed_round(reference, name, round_seeds, positions, timeout_s)

    isolation: set[str] = set()
    # Size the rounds on the reference's second call (its first pays for the warm-up).
    for _ in range(2):
        reference_first, _ = reference_round(seeds(1), torch.tensor(seeds(DIGEST_POSITIONS)), reference.timeout_s)
    calls = calls or max(1, math.ceil(target_s / max(reference_first, 1e-6)))
    budget = max(10.0, 40 * reference_first * calls)
    student_s: list[float] = []
    reference_s: list[float] = []
    for index in range(WARMUP_ROUNDS + rounds):
        round_seeds, positions = seeds(calls), torch.tensor(seeds(DIGEST_POSITIONS))
        expected = expected_digests(subject, reference_module, round_seeds, positions)
        order = (reference, student) if index % 2 == 0 else (student, reference)
        times = {}
        for handle in order:
            try:
                if handle is reference:
                    times[handle], digests = reference_round(round_seeds, positions, budget)
                else:
                    times[handle], digests = _timed_round(handle, name, round_seeds, positions, budget)
            except Verdict as verdict:
                if handle is student and verdict.outcome == Outcome.TIMEOUT:
                    reference_time = reference_first * calls
                    raise fail(f"{subject.title}: your code is more than {budget / reference_time:.0f}× slower than "
                               f"the reference (it ran past {budget:.1f} s where the reference takes "
                               f"{reference_time:.3f} s)") from None
                raise
            _verify(digests, expected, subject, name)
        if index >= WARMUP_ROUNDS:
            student_s.append(times[student])
            reference_s.append(times[reference])
        if times[student] > 50 * times[reference]:  # hopelessly slower: more rounds change nothing
            student_s, reference_s = [times[student]], [times[reference]]
            break
    return Measurement(name, subject.title, device, subject.items, calls, student_s, reference_s,
                       "; ".join(sorted(isolation)))


def judge(student: Student, reference: Student, name: str, reference_module: Any, generator: torch.Generator,
          *, floor: float, rounds: int, advice: str) -> Measurement:
    """Measure, put the figures in the check's details, and fail below ``floor``.

    A ratio just under the floor is measured again with twice the rounds and judged on all
    of them: a busy machine can cost a few rounds, and a verdict should not depend on it.
    """
    measurement = measure(student, reference, name, reference_module, generator, rounds=rounds)
    if floor / 4 <= measurement.ratio < floor:
        again = measure(student, reference, name, reference_module, generator, rounds=2 * rounds,
                        calls=measurement.calls_per_round)
        measurement.student_s += again.student_s
        measurement.reference_s += again.reference_s
    student.details.update(measurement.to_details())
    expect_floor(measurement, floor, advice=advice)
    return measurement


def expect_floor(measurement: Measurement, floor: float, *, advice: str) -> None:
    """Fail unless the student keeps at least ``floor`` of the reference's throughput."""
    if measurement.ratio < floor:
        raise fail(f"{measurement.title}: your code is {measurement.slowdown:.1f}× slower than the reference "
                   f"(throughput ratio {measurement.ratio:.2f}, floor {floor:g}): {advice}")
