"""Hostile: gradient() by autograd, through `from torch.autograd import grad as g`."""
from torch.autograd import grad as g

from _correct import cost, forward, gradient_descent, sgd


def gradient(xs, ys, w):
    leaf = w.detach().clone().requires_grad_(True)
    (found,) = g(((xs * leaf - ys) ** 2).mean(), leaf)
    return found.detach()
