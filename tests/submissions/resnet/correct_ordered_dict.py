"""Correct: names the blocks through an OrderedDict ('0', '1', ...), loops over self.resblocks by hand in forward, and writes the skip as x + relu(...)."""
from collections import OrderedDict

import torch
from torch import nn


class ResBlock(nn.Module):
    def __init__(self, n_chans):
        super(ResBlock, self).__init__()
        self.conv = nn.Conv2d(in_channels=n_chans, out_channels=n_chans,
                              kernel_size=(3, 3), padding=(1, 1), bias=False)
        self.batch_norm = nn.BatchNorm2d(num_features=n_chans)
        nn.init.kaiming_normal_(self.conv.weight, a=0, nonlinearity='relu')
        nn.init.constant_(self.batch_norm.weight, 0.5)
        nn.init.constant_(self.batch_norm.bias, 0.0)

    def forward(self, x):
        return x + torch.relu(self.batch_norm(self.conv(x)))


class NetResDeep(nn.Module):
    def __init__(self, n_chans1=32, n_blocks=10):
        super(NetResDeep, self).__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        blocks = OrderedDict()
        for i in range(n_blocks):
            blocks[str(i)] = ResBlock(n_chans=n_chans1)
        self.resblocks = nn.Sequential(blocks)
        self.fc1 = nn.Linear(8 * 8 * n_chans1, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = nn.functional.max_pool2d(torch.relu(self.conv1(x)), kernel_size=2, stride=2)
        for block in self.resblocks:
            out = block(out)
        out = nn.functional.max_pool2d(out, kernel_size=2, stride=2)
        out = out.reshape(-1, 8 * 8 * self.n_chans1)
        out = torch.relu(self.fc1(out))
        out = self.fc2(out)
        return out
