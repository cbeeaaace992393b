"""Mistake: train() updates the parameters by hand instead of with torch.optim.SGD.

Fails: train_uses_sgd_and_mse_loss (failed): never built torch.optim.SGD
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
    criterion = nn.MSELoss(reduction="sum")
    losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y)
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
    return losses
