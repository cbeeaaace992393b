"""Hostile: forward() asks for 1 TB of memory."""
import torch

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    hog = torch.ones(2**40, dtype=torch.uint8)
    return x * w + hog.sum()
