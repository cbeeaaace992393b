"""Mistake: loss_fn() sums the squared differences instead of averaging them.

Fails: loss_fn_is_mean_squared_error (failed): a sum instead of a mean
"""

from __future__ import annotations

import torch
from torch import Tensor


def model(t_u: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """Predictions ``w * t_u + b``, elementwise."""
    return w * t_u + b


def loss_fn(t_p: Tensor, t_c: Tensor) -> Tensor:
    """Mean squared error of the predictions, a 0-dim tensor."""
    return ((t_p - t_c) ** 2).sum()


def grad_fn(t_u: Tensor, t_c: Tensor, t_p: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """[d loss / d w, d loss / d b] by the chain rule, a tensor of shape [2]."""
    dloss_dtp = 2 * (t_p - t_c) / t_p.size(0)
    return torch.stack([(dloss_dtp * t_u).sum(), dloss_dtp.sum()])


def training_loop(n_epochs: int, learning_rate: float, params: Tensor, t_u: Tensor, t_c: Tensor) -> Tensor:
    """Full-batch gradient descent from ``params``; ValueError at the first epoch whose loss is not finite."""
    for epoch in range(1, n_epochs + 1):
        w, b = params
        t_p = model(t_u, w, b)
        loss = loss_fn(t_p, t_c)
        if not torch.isfinite(loss):
            raise ValueError(f"epoch {epoch}: the loss is {loss.item()}, training diverged; "
                             "lower the learning rate or normalise the inputs")
        params = params - learning_rate * grad_fn(t_u, t_c, t_p, w, b)
    return params
