"""Mistake: torch.flatten(out) without start_dim flattens the batch axis too (works only by luck for one image, and then returns shape [2]).

Fails: forward_matches_reference (error): mat1 and mat2 shapes
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 8, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(8 * 8 * 8, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(torch.tanh(self.conv1(x)), 2)
        out = F.max_pool2d(torch.tanh(self.conv2(out)), 2)
        out = torch.flatten(out)
        out = torch.tanh(self.fc1(out))
        out = self.fc2(out)
        return out
