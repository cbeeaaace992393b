"""checkpoint: the small net both the worker's probes and the grader's checks build."""

from __future__ import annotations

import torch
from torch import nn

from grader.shared.exercise import Exercise, freeze

EXERCISE = Exercise(
    name="checkpoint",
    title="Saving and loading a model through its state_dict",
    notes="notes 002: save/load",
    objects=('save', 'load'),
    # A round trip is exact or wrong: no threshold to measure.
    thresholds=freeze({}),
    order=15,
)


class CheckpointNet(nn.Module):
    """A small model with parameters and buffers (batch norm's statistics, an int64 counter)."""

    def __init__(self, width: int = 4, head: bool = False) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3)
        self.norm = nn.BatchNorm2d(width)
        self.fc = nn.Linear(width, 2)
        if head:
            self.head = nn.Linear(2, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.fc(torch.relu(self.norm(self.conv(x))).mean((2, 3)))
        return self.head(out) if hasattr(self, "head") else out
