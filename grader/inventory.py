"""What the checks are worth, read from their ``@check`` metadata without running them."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from grader import catalog
from grader.judge.core import title_of


@dataclass(frozen=True)
class CheckInfo:
    """A check's metadata as declared on its test function."""

    exercise: str
    name: str
    points: float
    kind: str
    hidden: bool
    hint: str
    #: The first line of the check's docstring: the title students see.
    title: str = ""
    #: Checks of the same exercise that must pass before this one is scored (``@check(after=...)``).
    after: tuple[str, ...] = ()


def checks_of(exercise: catalog.Exercise) -> list[CheckInfo]:
    """The checks declared in ``grader/checks/test_<exercise>.py``, in file order."""
    module = importlib.import_module(exercise.checks_module)
    found = []
    for attr, func in vars(module).items():
        if not (attr.startswith("test_") and callable(func)):
            continue
        marks = [m for m in getattr(func, "pytestmark", []) if m.name == "grader"]
        if marks:
            meta = marks[0].kwargs
            found.append(CheckInfo(exercise.name, attr.removeprefix("test_"), meta["points"], meta["kind"],
                                   meta["hidden"], meta["hint"], title_of(func), tuple(meta.get("after", ()))))
    return found


def points_by_exercise() -> dict[str, tuple[float, float]]:
    """(public points, hidden points) of every exercise."""
    totals = {}
    for exercise in catalog.available():
        checks = checks_of(exercise)
        totals[exercise.name] = (
            sum(c.points for c in checks if not c.hidden),
            sum(c.points for c in checks if c.hidden),
        )
    return totals
