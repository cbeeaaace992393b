"""convnet: its entry in the course (title, objects, limits and the thresholds its checks use, with the figures they were measured from)."""

from __future__ import annotations

from grader.shared.exercise import Exercise

EXERCISE = Exercise(
    name="convnet",
    title="forward() of a small convolutional network",
    notes="notes 002: 'nn.Module subclass'",
    objects=("Net.forward",),
    order=3,
)
