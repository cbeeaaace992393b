"""Mistake: fit() writes param = param - lr * param.grad, which rebinds the loop variable and leaves the model unchanged.

Fails: fit_follows_the_reference_on_sin (failed): only rebinds a name
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
    losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y)
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param = param - lr * param.grad
        model.zero_grad()
        losses.append(loss.item())
    return losses
