"""metrics: its entry in the course (title, objects, limits and the thresholds its checks use, with the figures they were measured from)."""

from __future__ import annotations

from grader.shared.exercise import Exercise, freeze

EXERCISE = Exercise(
    name="metrics",
    title="Streaming metrics: Mean and SparseCategoricalAccuracy",
    notes="notes 003: metrics",
    objects=('Mean', 'SparseCategoricalAccuracy'),
    # Results are exact counts and means: no threshold to measure.
    thresholds=freeze({}),
    order=17,
)
