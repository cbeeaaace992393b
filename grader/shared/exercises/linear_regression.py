"""linear_regression: its entry in the course (title, objects, limits and the thresholds its checks use, with the figures they were measured from)."""

from __future__ import annotations

from grader.shared.exercise import Exercise, freeze

EXERCISE = Exercise(
    name="linear_regression",
    title="Linear regression with nn.Module, MSELoss and SGD",
    notes="notes 001 §5",
    objects=('LinearModel', 'train'),
    thresholds=freeze(
        {
            # The notes' data, MSELoss(reduction="sum") (their size_average=False), lr 0.01,
            # from nn.Linear's random start: reference over 20 seeds, |w - 2| min / median /
            # max 3.6e-5 / 2.1e-4 / 3.9e-4 and |b| 8.1e-5 / 4.8e-4 / 8.9e-4 after 1000 epochs
            # (after 500 epochs: up to 0.015 and 0.033; after 100: 0.27 and 0.60).
            "epochs": 1000,
            "lr": 0.01,
            "w_tolerance": 5e-3,
            "b_tolerance": 1e-2,
        }
    ),
    order=9,
)
