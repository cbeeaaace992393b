"""Reference for ``regularization``: the notes' L2 penalty, and their networks with dropout and batch norm."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def l2_penalty(model: nn.Module) -> Tensor:
    """Sum over every parameter of ``model`` of the sum of its squared entries: a 0-dim tensor in the graph.

    ``loss + l2_lambda * l2_penalty(model)`` moves the parameters exactly as
    ``SGD(..., weight_decay=2 * l2_lambda)`` does on ``loss`` alone.
    """
    squares = [p.pow(2).sum() for p in model.parameters()]
    if not squares:
        return torch.zeros(())
    return torch.stack(squares).sum()


class NetDropout(nn.Module):
    """The notes' Net with channel dropout (p = 0.4) after each conv stage."""

    def __init__(self, n_chans1: int = 32) -> None:
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.conv1_dropout = nn.Dropout2d(p=0.4)
        self.conv2 = nn.Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1)
        self.conv2_dropout = nn.Dropout2d(p=0.4)
        self.fc1 = nn.Linear(8 * 8 * (n_chans1 // 2), 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x: Tensor) -> Tensor:
        """Logits [N, 2] of images [N, 3, 32, 32]; channels dropped at random in training mode only."""
        out = self.conv1_dropout(F.max_pool2d(torch.tanh(self.conv1(x)), 2))
        out = self.conv2_dropout(F.max_pool2d(torch.tanh(self.conv2(out)), 2))
        out = torch.tanh(self.fc1(out.flatten(1)))
        return self.fc2(out)


class NetBatchNorm(nn.Module):
    """The notes' Net with batch normalisation between each convolution and its tanh."""

    def __init__(self, n_chans1: int = 32) -> None:
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.conv1_batchnorm = nn.BatchNorm2d(num_features=n_chans1)
        self.conv2 = nn.Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1)
        self.conv2_batchnorm = nn.BatchNorm2d(num_features=n_chans1 // 2)
        self.fc1 = nn.Linear(8 * 8 * (n_chans1 // 2), 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x: Tensor) -> Tensor:
        """Logits [N, 2]: batch statistics in training mode, running statistics in eval mode."""
        out = F.max_pool2d(torch.tanh(self.conv1_batchnorm(self.conv1(x))), 2)
        out = F.max_pool2d(torch.tanh(self.conv2_batchnorm(self.conv2(out))), 2)
        out = torch.tanh(self.fc1(out.flatten(1)))
        return self.fc2(out)
