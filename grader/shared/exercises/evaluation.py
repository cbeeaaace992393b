"""evaluation: its entry in the course (title, objects, limits and the thresholds its checks use, with the figures they were measured from)."""

from __future__ import annotations

from grader.shared.exercise import Exercise

EXERCISE = Exercise(
    name="evaluation",
    title="validate(): accuracy of a model over named loaders",
    notes="notes 002: 'accuracy', 'GPU'",
    objects=("validate",),
    order=5,
)
