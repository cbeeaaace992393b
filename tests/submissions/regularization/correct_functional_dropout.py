"""Correct: dropout through F.dropout2d(..., training=self.training) (no dropout modules), the penalty as one
squared vector norm of all parameters flattened together, and flatten(1) instead of view."""
import torch
from torch import nn
from torch.nn import functional as F


def l2_penalty(model):
    params = [p.reshape(-1) for p in model.parameters()]
    if not params:
        return torch.tensor(0.0)
    return torch.linalg.vector_norm(torch.cat(params)) ** 2


class NetDropout(nn.Module):
    p_drop = 0.4

    def __init__(self, n_chans1=32):
        super().__init__()
        self.n_chans1 = n_chans1
        half = n_chans1 // 2
        self.conv1 = nn.Conv2d(3, n_chans1, 3, padding=1)
        self.conv2 = nn.Conv2d(n_chans1, half, 3, padding=1)
        self.fc1 = nn.Linear(half * 64, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        for conv in (self.conv1, self.conv2):
            x = F.max_pool2d(torch.tanh(conv(x)), kernel_size=2)
            x = F.dropout2d(x, p=self.p_drop, training=self.training)
        return self.fc2(torch.tanh(self.fc1(x.flatten(1))))


class NetBatchNorm(nn.Module):
    def __init__(self, n_chans1=32):
        super().__init__()
        self.n_chans1 = n_chans1
        half = n_chans1 // 2
        self.conv1 = nn.Conv2d(3, n_chans1, 3, padding=1)
        self.conv1_batchnorm = nn.BatchNorm2d(n_chans1)
        self.conv2 = nn.Conv2d(n_chans1, half, 3, padding=1)
        self.conv2_batchnorm = nn.BatchNorm2d(half)
        self.fc1 = nn.Linear(half * 64, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        for conv, norm in ((self.conv1, self.conv1_batchnorm), (self.conv2, self.conv2_batchnorm)):
            x = F.max_pool2d(norm(conv(x)).tanh(), kernel_size=2)
        return self.fc2(torch.tanh(self.fc1(x.flatten(1))))
