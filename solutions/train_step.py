"""Reference for ``train_step``: the notes' custom training step and evaluation step, in PyTorch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import Tensor, nn


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, loss_fn: Callable[[Tensor, Tensor], Tensor],
               inputs: Tensor, targets: Tensor, metrics: Sequence[Any], loss_tracker: Any = None) -> dict[str, float]:
    """One optimisation step in training mode; the logs: each metric's result and the loss."""
    model.train()
    predictions = model(inputs)
    loss = loss_fn(predictions, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return _logs(metrics, loss_tracker, targets, predictions.detach(), loss.detach(), prefix="")


def test_step(model: nn.Module, loss_fn: Callable[[Tensor, Tensor], Tensor], inputs: Tensor, targets: Tensor,
              metrics: Sequence[Any], loss_tracker: Any = None) -> dict[str, float]:
    """One evaluation in eval mode without autograd; the logs, their keys prefixed with ``val_``."""
    model.eval()
    with torch.no_grad():
        predictions = model(inputs)
        loss = loss_fn(predictions, targets)
    return _logs(metrics, loss_tracker, targets, predictions, loss, prefix="val_")


def _logs(metrics: Sequence[Any], loss_tracker: Any, targets: Tensor, predictions: Tensor, loss: Tensor,
          prefix: str) -> dict[str, float]:
    logs = {}
    for metric in metrics:
        metric.update_state(targets, predictions)
        logs[prefix + metric.name] = float(metric.result())
    if loss_tracker is None:
        logs[prefix + "loss"] = loss.item()
    else:
        loss_tracker.update_state(loss)
        logs[prefix + "loss"] = float(loss_tracker.result())
    return logs
