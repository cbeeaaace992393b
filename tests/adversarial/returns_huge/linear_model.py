"""Hostile: forward() returns a 400 MB tensor instead of one of 17 numbers."""
import torch

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    return torch.zeros(100_000_000)
