"""Reference for ``classifier``: the notes' fully connected CIFAR-2 classifier and one epoch of its training."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import Tensor, nn


def make_fc_classifier(n_in: int, n_hidden: int, n_out: int) -> nn.Sequential:
    """Linear(n_in, n_hidden) → Tanh → Linear(n_hidden, n_out) → LogSoftmax over the classes."""
    return nn.Sequential(
        nn.Linear(n_in, n_hidden),
        nn.Tanh(),
        nn.Linear(n_hidden, n_out),
        nn.LogSoftmax(dim=1),
    )


def train_epoch(
    model: nn.Module,
    loader: Iterable[tuple[Tensor, Tensor]],
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
) -> float:
    """One pass over ``loader``, one optimizer step per batch; the mean loss per sample."""
    device = next(model.parameters()).device
    model.train()
    total, count = 0.0, 0
    for imgs, labels in loader:
        imgs, labels = imgs.to(device), labels.to(device)
        outputs = model(imgs.view(imgs.shape[0], -1))
        loss = loss_fn(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * labels.shape[0]
        count += labels.shape[0]
    if count == 0:
        raise ValueError("the loader yielded no samples, so there is nothing to train on")
    return total / count
