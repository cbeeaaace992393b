"""device: the net the student's training loop is given, on the worker's side and the grader's alike."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from grader.shared.exercise import Exercise, freeze

EXERCISE = Exercise(
    name="device",
    title="Choosing a device and training on it",
    notes="notes 002: GPU; 000 CUDA",
    objects=('pick_device', 'training_loop'),
    call_timeout_s=60.0,
    thresholds=freeze(
        {
            # The notes' Net trained by the reference training_loop, SGD(lr=1e-2, momentum=0.9), batch 64,
            # this budget, 20 seeds: held-out accuracy 0.902 / 0.971 / 0.992 (min / median / max).
            # 768 images gave 0.803 / 0.883 / 0.953.
            "min_val_accuracy": 0.80,
            "train_images": 1024,
            "val_images": 512,
            "epochs": 2,
        }
    ),
    order=16,
)


class Net(nn.Module):
    """The notes' CIFAR-2 network (002, "nn.Module subclass"): [N, 3, 32, 32] -> [N, 2]."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 8, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(8 * 8 * 8, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.max_pool2d(torch.tanh(self.conv1(x)), 2)
        out = F.max_pool2d(torch.tanh(self.conv2(out)), 2)
        return self.fc2(torch.tanh(self.fc1(out.flatten(1))))
