"""Correct: max-pools by hand, reshaping each 2x2 window into its own axes and taking amax over them."""
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
        out = torch.tanh(self.conv1(x))
        out = self._pool2(out)
        out = torch.tanh(self.conv2(out))
        out = self._pool2(out)
        out = out.view(out.shape[0], 8 * 8 * 8)
        out = torch.tanh(self.fc1(out))
        out = self.fc2(out)
        return out

    @staticmethod
    def _pool2(t):
        n, c, h, w = t.shape
        windows = t.reshape(n, c, h // 2, 2, w // 2, 2)
        return windows.amax(dim=(3, 5))
