"""Mistake: LinearModel uses nn.Linear(1, 1, bias=False), so the model can only be y = w * x.

Fails: model_is_one_linear_unit (failed): with a bias
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class LinearModel(nn.Module):
    """One affine unit, y_pred = x · w + b, for inputs of shape [N, 1]."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x)


def train(model: nn.Module, x: Tensor, y: Tensor, epochs: int, lr: float) -> list[float]:
    """Full-batch SGD on the summed squared error; the loss before each epoch's step."""
    criterion = nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses
