"""Hostile: forward() raises KeyboardInterrupt."""
from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    raise KeyboardInterrupt
