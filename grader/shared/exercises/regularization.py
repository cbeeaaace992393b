"""regularization: the model whose penalties both sides compute."""

from __future__ import annotations

from torch import nn


#: Input shape of :func:`penalty_model`, without the batch dimension.
PENALTY_INPUT = (3, 6, 6)


def penalty_model(width: int = 4) -> nn.Sequential:
    """A small model with weights, biases and batch-norm buffers: [N, 3, 6, 6] -> [N, 3]."""
    return nn.Sequential(nn.Conv2d(3, width, 3), nn.BatchNorm2d(width), nn.Tanh(), nn.Flatten(),
                         nn.Linear(width * 4 * 4, 3))
