"""Mistake: fit() lets torch.optim.SGD make the update instead of writing it.

Fails: fit_writes_the_update_by_hand (forbidden): writes the update itself
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def make_mlp() -> nn.Module:
    """A fresh nn.Sequential: Linear(1, 32), Tanh, Linear(32, 32), Tanh, Linear(32, 1)."""
    return nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))


def fit(model: nn.Module, x: Tensor, y: Tensor, lr: float, epochs: int) -> list[float]:
    """Full-batch gradient descent on the mean squared error, p -= lr * p.grad; the loss before each update."""
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    return losses
