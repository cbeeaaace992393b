"""The one vocabulary of outcomes: a worker's reply, a worker's death, a verdict, a result, every report.

Every breach of a worker limit is an outcome, never a crash of the grader. ``Outcome`` is a
``str`` enum, so results read and write as the plain words (``"passed"``) in JSON, CSV and
the templates, and an unknown word is refused where it is read (``Outcome(word)``).
"""

from __future__ import annotations

import enum


class Outcome(enum.StrEnum):
    """How one check (or one call of the student's code) ended."""

    PASSED = "passed"
    #: The check's assertion failed: wrong values, shapes, dtypes, behaviour; or an object is missing.
    FAILED = "failed"
    #: The student's object still raises NotImplementedError.
    NOT_IMPLEMENTED = "not_implemented"
    #: The student's code raised where it should not have (or does not import).
    ERROR = "error"
    #: The worker ran past its wall-clock or CPU-time limit and was killed.
    TIMEOUT = "timeout"
    #: The worker ran out of its memory limit.
    MEMORY = "memory"
    #: The worker died from a signal (segfault, abort, a file over the size limit...).
    CRASHED = "crashed"
    #: The student's code ended the process (sys.exit, os._exit).
    EXITED = "exited"
    #: The student's code used an API the exercise forbids, or tampered with the grader's worker.
    FORBIDDEN = "forbidden"
    #: Not applicable here (no CUDA, no reference in a students' copy, a prerequisite failed).
    SKIPPED = "skipped"
    #: A defect of the grader itself; never the student's fault.
    GRADER_ERROR = "grader_error"

    @property
    def label(self) -> str:
        """The words a report shows for this outcome."""
        return _LABELS.get(self, self.value)

    @property
    def failing(self) -> bool:
        """Whether it costs the check its points (everything but passed and skipped)."""
        return self not in (Outcome.PASSED, Outcome.SKIPPED)

    @property
    def did_not_run(self) -> bool:
        """Whether the student's own function failed to run to its end (so a property cannot be judged on it)."""
        return self in _DID_NOT_RUN

    @property
    def incident(self) -> bool:
        """Whether a class report lists it as an incident: the worker was stopped, or the grader failed."""
        return self in _INCIDENTS


_LABELS = {
    Outcome.NOT_IMPLEMENTED: "not implemented yet",
    Outcome.GRADER_ERROR: "grader error",
    Outcome.MEMORY: "out of memory",
    Outcome.EXITED: "exited early",
}
_DID_NOT_RUN = frozenset({Outcome.ERROR, Outcome.NOT_IMPLEMENTED, Outcome.TIMEOUT, Outcome.MEMORY,
                          Outcome.CRASHED, Outcome.EXITED})
_INCIDENTS = (Outcome.TIMEOUT, Outcome.MEMORY, Outcome.CRASHED, Outcome.EXITED, Outcome.FORBIDDEN,
              Outcome.GRADER_ERROR)
