"""Mistake: train() uses nn.MSELoss() with its default mean, not the notes' sum (size_average=False).

Fails: train_follows_the_reference_on_the_notes_data (failed): instead of the notes' sum
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class LinearModel(nn.Module):
    """One affine unit, y_pred = x · w + b, for inputs of shape [N, 1]."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x)


def train(model: nn.Module, x: Tensor, y: Tensor, epochs: int, lr: float) -> list[float]:
    """Full-batch SGD on the summed squared error; the loss before each epoch's step."""
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses
