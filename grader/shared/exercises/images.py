"""images: its entry in the course (title, objects, limits and the thresholds its checks use, with the figures they were measured from)."""

from __future__ import annotations

from grader.shared.exercise import Exercise

EXERCISE = Exercise(
    name="images",
    title="Images as tensors: channels first, normalised per channel",
    notes="notes 002: images",
    objects=('to_chw_batch', 'normalize_per_channel'),
    order=6,
)
