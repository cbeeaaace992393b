"""Reference for ``evaluation``: the accuracy of a classifier on named data loaders."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import torch
from torch import Tensor, nn


def _accuracy(
    model: nn.Module, name: str, loader: Iterable[tuple[Tensor, Tensor]], device: str | torch.device
) -> float:
    """Fraction of the loader's samples whose argmax prediction equals the label."""
    correct = torch.zeros((), dtype=torch.long, device=device)
    total = 0
    for imgs, labels in loader:
        imgs, labels = imgs.to(device), labels.to(device)
        correct += (model(imgs).argmax(dim=1) == labels).sum()
        total += len(labels)
    if total == 0:
        raise ValueError(f"loader {name!r} yielded no samples, so it has no accuracy")
    return int(correct) / total


def validate(
    model: nn.Module,
    loaders: Mapping[str, Iterable[tuple[Tensor, Tensor]]],
    device: str | torch.device = "cpu",
) -> dict[str, float]:
    """Accuracy in [0, 1] of ``model`` on each named loader, in eval mode and without autograd."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return {name: _accuracy(model, name, loader, device) for name, loader in loaders.items()}
    finally:
        model.train(was_training)
