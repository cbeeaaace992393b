"""The course's exercises, in the course's order, found where each is described.

Points, kinds and hints live on each check (``grader/checks/test_<name>.py``); what a
course tunes per exercise (time limits, convergence thresholds, speed floors) lives in its
entry, ``EXERCISE`` in ``grader/shared/exercises/<name>.py``, with the figures each
threshold was measured from.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Mapping
from types import MappingProxyType

from grader.shared import exercises
from grader.shared.exercise import Exercise


def _discovered() -> tuple[Exercise, ...]:
    found = []
    for name in exercises.names():
        entry = getattr(importlib.import_module(f"{exercises.__name__}.{name}"), "EXERCISE", None)
        if entry is not None:
            if entry.name != name:
                raise RuntimeError(f"grader/shared/exercises/{name}.py describes an exercise named {entry.name!r}")
            found.append(entry)
    return tuple(sorted(found, key=lambda e: (e.order, e.name)))


#: Every exercise of the course, in its order: one ``EXERCISE`` per module of ``grader/shared/exercises/``.
EXERCISES: tuple[Exercise, ...] = _discovered()

BY_NAME: Mapping[str, Exercise] = MappingProxyType({e.name: e for e in EXERCISES})


class UnknownExercise(LookupError):
    """A name that is not an exercise of the course."""

    def __init__(self, name: str) -> None:
        close = difflib.get_close_matches(name, [e.name for e in available()], n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        super().__init__(f"No exercise named '{name}'.{hint} See 'grader list'.")


def find(name: str) -> Exercise:
    """The exercise called ``name``; :class:`UnknownExercise` names the closest one."""
    exercise = BY_NAME.get(name)
    if exercise is None or exercise not in available():
        raise UnknownExercise(name)
    return exercise


def available() -> tuple[Exercise, ...]:
    """The exercises whose checks are written (the course's order)."""
    from grader.references import CHECKS_DIR

    return tuple(e for e in EXERCISES if (CHECKS_DIR / f"test_{e.name}.py").is_file())


def select(names: list[str] | tuple[str, ...]) -> list[Exercise]:
    """The exercises named (all of them when ``names`` is empty), in the course's order."""
    wanted = {find(n).name for n in names} if names else {e.name for e in available()}
    return [e for e in EXERCISES if e.name in wanted]
