"""What a check module uses: the ``@check`` metadata, verdicts, and the student's handle.

A check is a pytest test in ``grader/checks/test_<exercise>.py``. It gets the ``student``
fixture (a :class:`Student`), asks the student's worker for outputs, computes the expected
values itself from ``solutions`` or from PyTorch, and fails with a :class:`Verdict` that
says what was expected and what came back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from grader.catalog import Exercise
from grader.check.launcher import OutputTap, Reply, Worker, WorkerDied
from grader.judge import static
from grader.shared.outcome import Outcome

KINDS = ("correctness", "property", "convergence", "performance")

F = TypeVar("F", bound=Callable[..., Any])


def title_of(func: Callable[..., Any]) -> str:
    """The title students see for a check: its docstring's first line, or else its name in words."""
    doc = (func.__doc__ or "").strip()
    return doc.splitlines()[0].rstrip(".") if doc else func.__name__.removeprefix("test_").replace("_", " ")


def check(*, points: float, kind: str, hint: str, hidden: bool = False, after: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Mark a test function as a graded check worth ``points``; ``hint`` goes with failures.

    ``after`` names checks of the same exercise (without ``test_``) that must pass first: where
    one of them did not, this check is not scored and says which to fix (a speed figure of code
    that gives wrong values means nothing, and would charge the same mistake twice).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if points <= 0:
        raise ValueError("a check is worth a positive number of points")

    def mark(func: F) -> F:
        return pytest.mark.grader(points=float(points), kind=kind, hint=hint, hidden=hidden, after=tuple(after))(func)

    return mark


class Verdict(Exception):
    """A check's outcome other than a pass, with the sentence that explains it.

    ``hint``, where given, replaces the check's own hint: a check that judges several
    conditions gives the hint of the one that failed.
    """

    def __init__(self, outcome: Outcome | str, message: str, details: dict[str, Any] | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.outcome = Outcome(outcome)
        self.message = message
        self.details = details or {}
        self.hint = hint


@contextmanager
def explaining(symptom: str, explanation: str) -> Iterator[None]:
    """Add ``explanation`` to an error verdict whose message shows ``symptom``.

    For mistakes that make the student's own code raise (a shape mismatch, say), so the
    message names the likely mistake rather than only the exception.
    """
    try:
        yield
    except Verdict as verdict:
        if verdict.outcome == Outcome.ERROR and symptom in verdict.message:
            verdict.message += f" — {explanation}"
        raise


@contextmanager
def hinting(hint: str) -> Iterator[None]:
    """Give a verdict raised in the block ``hint``: the hint of the condition the block judges."""
    try:
        yield
    except Verdict as verdict:
        if verdict.hint is None:
            verdict.hint = hint
        raise


def fail(message: str, *, hint: str | None = None, **details: Any) -> Verdict:
    """A failed check; ``raise fail(...)`` reads as the sentence it carries (``hint`` for this condition alone)."""
    return Verdict(Outcome.FAILED, message, details, hint)


#: How the student's code may fail as the worker reports it; any other word is the grader's own failure.
_REPLY_OUTCOMES = frozenset({Outcome.NOT_IMPLEMENTED, Outcome.FAILED, Outcome.ERROR, Outcome.EXITED, Outcome.MEMORY})


def verdict_from_reply(reply: Reply, what: str) -> Verdict:
    """The verdict for a probe call whose student code did not return normally."""
    outcome = Outcome(reply.status) if reply.status in _REPLY_OUTCOMES else Outcome.GRADER_ERROR
    details: dict[str, Any] = {}
    if reply.traceback:
        details["traceback"] = reply.traceback
    if outcome == Outcome.NOT_IMPLEMENTED:
        return Verdict(outcome, f"{what}: not implemented yet", details)
    if reply.complete and outcome in (Outcome.FAILED, Outcome.ERROR):
        return Verdict(outcome, reply.message, details)
    if outcome == Outcome.ERROR:
        where = f" (at {reply.where})" if reply.where else ""
        return Verdict(outcome, f"{what} raised {reply.type}{where}: {reply.message}", details)
    if outcome == Outcome.EXITED:
        return Verdict(outcome, f"{what}: {reply.message}; a function must return its result", details)
    if outcome == Outcome.MEMORY:
        return Verdict(outcome, f"{what} ran out of memory: {reply.message}", details)
    return Verdict(outcome, f"{what}: the worker answered {reply.status!r}: {reply.message}", details)


@dataclass
class Call:
    """What one call of a student's function gave back."""

    result: Any
    calls: list[dict[str, Any]] = field(default_factory=list)
    args_after: list[Any] | None = None

    def used(self, api: str) -> bool:
        """Whether the watched ``api`` was called."""
        return any(c.get("api") == api for c in self.calls)


def _read(folder: Path) -> static.Submission:
    """The submission's files, read once for all the checks that ask while they stay as they are."""
    stamp = []
    for path in sorted(folder.rglob("*.py")):
        try:
            info = path.lstat()
        except OSError:
            continue
        stamp.append((str(path), info.st_size, info.st_mtime_ns, info.st_ino))
    return _read_stamped(folder, tuple(stamp))


@functools.lru_cache(maxsize=1)
def _read_stamped(folder: Path, stamp: tuple[tuple[str, int, int, int], ...]) -> static.Submission:
    return static.Submission(folder)



class Student:
    """One check's handle on the student's code for one exercise (see ``session``)."""

    def __init__(self, exercise: Exercise, acquire: Callable[[], Worker], timeout_s: float,
                 submission_dir: Path | None = None) -> None:
        self.exercise = exercise
        self.timeout_s = timeout_s
        #: The submission's folder on the trusted side, read (never imported) by :meth:`reading`.
        self.submission_dir = submission_dir
        self._acquire = acquire
        self._taps: list[tuple[OutputTap, int]] = []
        self._ran = 0
        self._not_run: list[Verdict] = []
        #: Figures the check wants in the report whatever its outcome (timings, curves).
        self.details: dict[str, Any] = {}

    def call(
        self,
        name: str,
        *args: Any,
        watch: tuple[str, ...] = (),
        return_args: bool = False,
        timeout_s: float | None = None,
        what: str | None = None,
        **kwargs: Any,
    ) -> Call:
        """Call the student's ``name(*args, **kwargs)``; tensors go over the wire."""
        value = self.probe(
            "common.call",
            what=what or f"{name}()",
            timeout_s=timeout_s,
            name=name,
            args=list(args),
            kwargs=kwargs,
            watch=list(watch),
            return_args=return_args,
        )
        if not (isinstance(value, dict) and "result" in value and isinstance(value.get("calls"), list)):
            raise Verdict(Outcome.FORBIDDEN, f"{what or name + '()'}: the worker's reply is not what the grader's probe "
                          "sends; the code tampered with the grader's worker")
        return Call(result=value["result"], calls=value["calls"], args_after=value.get("args_after"))

    def call_that_runs(self, name: str, *args: Any, **kwargs: Any) -> Call | None:
        """:meth:`call`, or ``None`` where the student's function itself failed (raised, crashed, ran out of time).

        A property check that judges several functions judges each on the ones that ran: a
        crash in one is charged by that function's own checks, not again by the property. Call
        :meth:`expect_one_ran` after the calls.
        """
        try:
            call = self.call(name, *args, **kwargs)
        except Verdict as verdict:
            if not verdict.outcome.did_not_run:
                raise
            self._not_run.append(verdict)
            return None
        self._ran += 1
        return call

    def expect_one_ran(self) -> None:
        """Where none of the functions :meth:`call_that_runs` called ran, the first one's failure is the verdict."""
        if self._not_run and not self._ran:
            raise self._not_run[0]

    def reading(self, *functions: str) -> static.Reach | None:
        """The code the exercise's ``functions`` can run, read from the submission's files; None without a folder."""
        if self.submission_dir is None:
            return None
        return static.reach(_read(self.submission_dir), self.exercise.name, functions)

    def probe(self, probe: str, *, what: str, timeout_s: float | None = None, **args: Any) -> Any:
        """Run a probe in the student's worker and return its plain-data value."""
        worker = self._acquire()
        if not any(tap is worker.tap for tap, _ in self._taps):
            start, worker.output_start = worker.output_start, None
            self._taps.append((worker.tap, worker.tap.mark() if start is None else start))
        try:
            reply = worker.call(probe, timeout_s or self.timeout_s, **args)
        except WorkerDied as died:
            raise Verdict(died.outcome, f"{what}: {died.message}") from None
        if reply.status != "ok":
            raise verdict_from_reply(reply, what)
        return reply.value

    def worker(self) -> Worker:
        """The live worker running this exercise's code (started if need be), for the grader to act on."""
        return self._acquire()

    def output(self) -> str:
        """What the student's code printed during this check."""
        return "".join(tap.since(mark) for tap, mark in self._taps)
