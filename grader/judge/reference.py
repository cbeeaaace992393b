"""The one seam through which checks reach a reference solution.

A checks module writes ``reference = reference_of("encoding")`` and then ``reference.one_hot(...)``.
Each attribute is looked up when it is read: the reference itself in the course's grader, its
calls recorded while ``grader bundle`` records fixtures, and its recorded answers in a students'
copy, which holds no reference (:func:`grader.bundle.golden.answer`).
"""

from __future__ import annotations

from typing import Any

from grader.bundle import golden


class Reference:
    """The reference solution of one exercise, as a check reads it."""

    def __init__(self, exercise: str) -> None:
        self._exercise = exercise

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # a reference's API is public; tools probing for markers get no answer
            raise AttributeError(name)
        return golden.answer(self._exercise, name)

    def __repr__(self) -> str:
        return f"<the reference solution of {self._exercise}>"


def reference_of(exercise: str) -> Reference:
    """The reference solution of ``exercise`` (``solutions/<exercise>.py``), through the seam."""
    return Reference(exercise)
