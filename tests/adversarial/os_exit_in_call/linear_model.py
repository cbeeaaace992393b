"""Hostile: forward() ends the process with os._exit(0)."""
import os

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    os._exit(0)
