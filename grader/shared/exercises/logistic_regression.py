"""logistic_regression: its entry in the course (title, objects, limits and the thresholds its checks use, with the figures they were measured from)."""

from __future__ import annotations

from grader.shared.exercise import Exercise, freeze

EXERCISE = Exercise(
    name="logistic_regression",
    title="Logistic regression with a sigmoid and BCE",
    notes="notes 001 §6; 004",
    objects=('LogisticRegressionModel', 'fit'),
    thresholds=freeze(
        {
            # The notes' hours, BCELoss(reduction="sum") (their size_average=False), lr 0.01,
            # 1000 epochs from nn.Linear's random start: reference over 20 seeds,
            # P(pass | 1 h) min / median / max 0.124 / 0.152 / 0.174 and P(pass | 4 h)
            # 0.850 / 0.878 / 0.900 (after 300 epochs: P(1 h) up to 0.386, P(4 h) down to 0.585).
            "epochs": 1000,
            "lr": 0.01,
            "decision_probability": 0.5,
        }
    ),
    order=10,
)
