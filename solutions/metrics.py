"""Reference for ``metrics``: Keras-style streaming metrics, ``Mean`` and ``SparseCategoricalAccuracy``."""

from __future__ import annotations

import torch
from torch import Tensor


class Mean:
    """The running mean of every value given to :meth:`update_state` since the last reset."""

    def __init__(self, name: str = "mean") -> None:
        self.name = name
        self.reset_state()

    def update_state(self, values: Tensor | float) -> None:
        """Add ``values`` (a number or a tensor of any shape, each element counting once)."""
        values = torch.as_tensor(values).detach()
        self.total += float(values.sum(dtype=torch.float64))
        self.count += values.numel()

    def result(self) -> float:
        """The mean so far; 0.0 before any value, as Keras's ``Mean``."""
        return self.total / self.count if self.count else 0.0

    def reset_state(self) -> None:
        """Forget every value seen (at the start of each epoch)."""
        self.total = 0.0
        self.count = 0


class SparseCategoricalAccuracy:
    """The fraction of samples, over every batch since the last reset, whose argmax score is their label."""

    def __init__(self, name: str = "sparse_categorical_accuracy") -> None:
        self.name = name
        self.reset_state()

    def update_state(self, y_true: Tensor, y_pred: Tensor) -> None:
        """Count one batch: integer labels [N] (or [N, 1]) against scores [N, C]."""
        y_pred = y_pred.detach()
        y_true = torch.as_tensor(y_true, device=y_pred.device)
        if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
            y_true = y_true.squeeze(-1)
        self.correct += int((y_pred.argmax(dim=-1) == y_true).sum())
        self.total += y_true.numel()

    def result(self) -> float:
        """Correct / total so far; 0.0 before any sample."""
        return self.correct / self.total if self.total else 0.0

    def reset_state(self) -> None:
        """Forget every batch seen."""
        self.correct = 0
        self.total = 0
