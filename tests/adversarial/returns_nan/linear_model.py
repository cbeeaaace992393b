"""Hostile: forward() returns NaN everywhere (NaN == NaN is false, but so is NaN != NaN)."""
from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    return x * float("nan")
