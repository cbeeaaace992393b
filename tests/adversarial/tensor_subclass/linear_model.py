"""Hostile: forward() returns x + w as a tensor subclass that equals everything."""
import torch

from _correct import cost, gradient, gradient_descent, sgd


class AlwaysEqual(torch.Tensor):
    def __eq__(self, other):
        return torch.ones(self.shape, dtype=torch.bool)

    def allclose(self, *args, **kwargs):
        return True

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.allclose, torch.equal, torch.Tensor.allclose, torch.Tensor.equal):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})


def forward(x, w):
    return (x + w).as_subclass(AlwaysEqual)
