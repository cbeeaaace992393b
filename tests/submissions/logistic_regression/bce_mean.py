"""Mistake: fit() uses nn.BCELoss() with its default mean instead of the notes' sum.

Fails: fit_follows_the_reference_on_the_notes_data (failed): instead of the notes' sum
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class LogisticRegressionModel(nn.Module):
    """One affine unit followed by a sigmoid: the probability of the positive class, for inputs [N, 1]."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x))


def fit(model: nn.Module, x: Tensor, y: Tensor, epochs: int, lr: float) -> list[float]:
    """Full-batch SGD on the summed binary cross-entropy; the loss before each epoch's step."""
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses
