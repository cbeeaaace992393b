"""Reference for ``encoding``: one-hot encoding of integer labels with ``scatter_``."""

from __future__ import annotations

import torch
from torch import Tensor


def _check_labels(labels: Tensor, num_classes: int) -> None:
    """Raise TypeError for non-integer labels, then ValueError naming a label outside [0, num_classes)."""
    dtype = labels.dtype
    if dtype.is_floating_point or dtype.is_complex or dtype == torch.bool:
        raise TypeError(
            f"labels must be an integer tensor, got dtype {dtype}; convert them with .long()"
        )
    if labels.numel() == 0:
        return
    low, high = (int(v) for v in torch.aminmax(labels))
    if low < 0 or high >= num_classes:
        bad = low if low < 0 else high
        raise ValueError(
            f"label {bad} is out of range for num_classes={num_classes}: "
            f"labels must lie in [0, {num_classes})"
        )


def one_hot(target: Tensor, num_classes: int) -> Tensor:
    """Float32 one-hot matrix [N, num_classes] of the 1-D integer labels ``target`` [N]."""
    return one_hot_along(target, num_classes, dim=1)


def one_hot_along(indices: Tensor, num_classes: int, dim: int) -> Tensor:
    """Float32 one-hot of ``indices`` with a class axis of size ``num_classes`` inserted at ``dim``."""
    _check_labels(indices, num_classes)
    index = indices.long().unsqueeze(dim)
    shape = list(index.shape)
    shape[dim] = num_classes
    encoded = torch.zeros(shape, dtype=torch.float32, device=indices.device)
    return encoded.scatter_(dim, index, 1.0)
