"""Reference for ``convnet``: the notes' small CIFAR-2 network in the functional style."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class Net(nn.Module):
    """Two conv-tanh-maxpool stages and two linear layers: [N, 3, 32, 32] images to [N, 2] logits."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 8, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(8 * 8 * 8, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x: Tensor) -> Tensor:
        """Logits [N, 2] of a batch of images [N, 3, 32, 32]."""
        out = F.max_pool2d(torch.tanh(self.conv1(x)), 2)
        out = F.max_pool2d(torch.tanh(self.conv2(out)), 2)
        out = torch.tanh(self.fc1(out.flatten(1)))
        return self.fc2(out)
