"""train_step: the model the student's steps train, and how one of its layers is frozen, for both sides."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.shared.exercise import Exercise, freeze

EXERCISE = Exercise(
    name="train_step",
    title="A custom training step and test step",
    notes="notes 003: custom training",
    objects=('train_step', 'test_step'),
    call_timeout_s=60.0,
    thresholds=freeze(
        {
            # The notes' model (Flatten, Linear(3072, 128) frozen weight, BatchNorm1d, Dropout(0.5),
            # Linear(128, 2)) trained by the reference train_step, SGD(lr=1e-2, momentum=0.9), batch 32,
            # this budget, 20 seeds: held-out accuracy 0.869 / 0.896 / 0.932 (min / median / max);
            # 5 epochs gave no more (0.863 / 0.896 / 0.920).
            "min_val_accuracy": 0.75,
            "train_images": 1024,
            "val_images": 512,
            "epochs": 3,
        }
    ),
    order=18,
)


#: Captured when the worker imports this module, before any student code can replace it.
_grad_enabled = torch._C.is_grad_enabled


class StepNet(nn.Module):
    """The notes' model: Flatten, Dense(128), BatchNormalization, Dropout(0.5), Dense(10), as PyTorch layers."""

    def __init__(self, in_features: int = 28 * 28, hidden: int = 128, classes: int = 10) -> None:
        super().__init__()
        self.layers = nn.Sequential(nn.Flatten(), nn.Linear(in_features, hidden), nn.BatchNorm1d(hidden),
                                    nn.Dropout(0.5), nn.Linear(hidden, classes))
        self.records: list[dict[str, Any]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.layers(x)
        self.records.append({"training": self.training, "grad_enabled": _grad_enabled(),
                             "output": out.detach().clone()})
        return out


#: The parameter the steps must leave alone, as a frozen embedding or backbone would be.
FROZEN = "layers.1.weight"


def freeze(model: StepNet) -> StepNet:
    """Freeze the first layer's weight (requires_grad=False); the optimizer still lists it."""
    model.get_parameter(FROZEN).requires_grad_(False)
    return model
