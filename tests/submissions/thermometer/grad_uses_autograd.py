"""Mistake: grad_fn() lets autograd compute the gradient instead of the chain rule by hand.

Fails: gradient_is_written_by_hand (forbidden): without autograd
"""

from __future__ import annotations

import torch
from torch import Tensor


def model(t_u: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """Predictions ``w * t_u + b``, elementwise."""
    return w * t_u + b


def loss_fn(t_p: Tensor, t_c: Tensor) -> Tensor:
    """Mean squared error of the predictions, a 0-dim tensor."""
    return ((t_p - t_c) ** 2).mean()


def grad_fn(t_u: Tensor, t_c: Tensor, t_p: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """[d loss / d w, d loss / d b] by the chain rule, a tensor of shape [2]."""
    params = torch.stack([torch.as_tensor(w), torch.as_tensor(b)]).detach().requires_grad_(True)
    loss_fn(model(t_u, params[0], params[1]), t_c).backward()
    return params.grad


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
