"""linear_model: its entry in the course (title, objects, limits and the thresholds its checks use, with the figures they were measured from)."""

from __future__ import annotations

from grader.shared.exercise import Exercise, freeze

EXERCISE = Exercise(
    name="linear_model",
    title="Gradient by hand",
    notes="notes 004; 001 §2-3; 002 'learning'",
    objects=("forward", "cost", "gradient", "gradient_descent", "sgd"),
    thresholds=freeze(
        {
            # The notes' run: w0=1, lr=0.01, 100 epochs ends at w = 2 - 4.7e-5 (reference).
            "w_tolerance": 1e-3,
            # Float64 inputs: the gradient must equal autograd's to this relative tolerance.
            "gradient_rtol": 1e-6,
        }
    ),
    order=1,
)
