"""Mistake: writes tanh from its formula, (e^x - e^-x) / (e^x + e^-x): exact on standardised images, but on raw 0-255 pixels the pre-activations pass 88, e^x overflows and inf / inf gives NaN.

Fails: forward_on_fresh_weights_batches_and_raw_pixels (failed): raw 0-255 images contains NaN
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def tanh(x):
    return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 8, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(8 * 8 * 8, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(tanh(self.conv1(x)), 2)
        out = F.max_pool2d(tanh(self.conv2(out)), 2)
        out = out.view(-1, 8 * 8 * 8)
        out = tanh(self.fc1(out))
        out = self.fc2(out)
        return out
