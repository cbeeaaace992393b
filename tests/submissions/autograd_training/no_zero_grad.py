"""Mistake: training_loop() never calls optimizer.zero_grad(), so each step uses the sum of all gradients so far.

Fails: training_loop_follows_the_notes_run (failed): zero_grad() forgotten
"""

from __future__ import annotations

import torch
from torch import Tensor


def model(t_u: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """The linear model of the notes, ``w * t_u + b``."""
    return w * t_u + b


def loss_fn(t_p: Tensor, t_c: Tensor) -> Tensor:
    """Mean squared error, a 0-dim tensor."""
    return ((t_p - t_c) ** 2).mean()


def split_train_val(n: int, val_fraction: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Shuffled indices of ``n`` samples: (train, val), val holding ``int(val_fraction * n)`` of them."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be strictly between 0 and 1, not {val_fraction}")
    n_val = int(val_fraction * n)
    if n_val == 0:
        raise ValueError(f"a validation fraction of {val_fraction} of {n} samples leaves no validation sample")
    shuffled_indices = torch.randperm(n, generator=generator)
    return shuffled_indices[:-n_val], shuffled_indices[-n_val:]


def training_loop(n_epochs: int, optimizer: torch.optim.Optimizer, params: Tensor, train_t_u: Tensor,
                  val_t_u: Tensor, train_t_c: Tensor, val_t_c: Tensor) -> tuple[Tensor, dict[str, list[float]]]:
    """Train ``params`` on the training set with ``optimizer``; the params and both losses of every epoch."""
    history: dict[str, list[float]] = {"train_loss": [], "val_loss": []}
    for _ in range(n_epochs):
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        with torch.no_grad():
            val_loss = loss_fn(model(val_t_u, *params), val_t_c)
        train_loss.backward()
        optimizer.step()
        history["train_loss"].append(train_loss.item())
        history["val_loss"].append(val_loss.item())
    return params, history
