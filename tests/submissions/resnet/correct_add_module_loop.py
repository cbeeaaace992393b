"""Correct: builds the Sequential with add_module in a loop, initialises batch norm with fill_/zero_ under no_grad, uses F.relu and torch.flatten(out, 1)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ResBlock(nn.Module):
    def __init__(self, n_chans):
        super().__init__()
        self.conv = nn.Conv2d(n_chans, n_chans, kernel_size=3, stride=1, padding=1, bias=False)
        self.batch_norm = nn.BatchNorm2d(n_chans)
        nn.init.kaiming_normal_(self.conv.weight, mode='fan_in', nonlinearity='relu')
        with torch.no_grad():
            self.batch_norm.weight.fill_(0.5)
            self.batch_norm.bias.zero_()

    def forward(self, x):
        residual = x
        y = F.relu(self.batch_norm(self.conv(x)))
        return y + residual


class NetResDeep(nn.Module):
    def __init__(self, n_chans1=32, n_blocks=10):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.resblocks = nn.Sequential()
        for i in range(n_blocks):
            self.resblocks.add_module(str(i), ResBlock(n_chans1))
        self.fc1 = nn.Linear(8 * 8 * n_chans1, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(F.relu(self.conv1(x)), kernel_size=2)
        out = self.resblocks(out)
        out = F.max_pool2d(out, kernel_size=2)
        out = torch.flatten(out, 1)
        out = F.relu(self.fc1(out))
        return self.fc2(out)
