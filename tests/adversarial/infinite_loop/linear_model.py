"""Hostile: forward() never returns."""
from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    while True:
        pass
