"""Hostile: makes torch.allclose, torch.equal, == and assert_close always agree, then returns x + w."""
import torch

from _correct import cost, gradient, gradient_descent, sgd

torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
torch.testing.assert_close = lambda *args, **kwargs: None


def forward(x, w):
    return x + w
