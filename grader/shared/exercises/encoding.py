"""encoding: the speed subject of one_hot, for the worker that times it and the grader that checks its digest."""

from __future__ import annotations

from typing import Any

import torch

from grader.shared.exercise import Exercise, freeze
from grader.shared.speed import Subject, labels, values_at

EXERCISE = Exercise(
    name="encoding",
    title="One-hot encoding with scatter_",
    notes="notes 002: wine quality, bike weather",
    objects=("one_hot", "one_hot_along"),
    thresholds=freeze(
        {
            # Student throughput on 10**6 labels relative to the reference (median ratio).
            "one_hot_speed_floor": 0.5,
            "speed_rounds": 5,
        }
    ),
    order=2,
)


def one_hot_digest(encoded: Any, positions: torch.Tensor) -> torch.Tensor:
    """The values at the grader's positions: cheap, yet only right if every value was computed."""
    if not isinstance(encoded, torch.Tensor) or encoded.dim() != 2 or encoded.dtype != torch.float32 \
            or encoded.numel() == 0:
        return torch.full((len(positions),), float("nan"), dtype=torch.float64)
    return values_at(encoded, positions)


SPEED = {
    "encoding.one_hot": Subject(
        "encoding", "one_hot on 10^6 labels, 10 classes", 1_000_000,
        lambda seed, device: labels(seed, 1_000_000, 10, device),
        lambda module, device: module.one_hot,
        lambda one_hot, target: one_hot(target, 10),
        one_hot_digest,
    ),
}
