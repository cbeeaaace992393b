"""Hostile: forward() reads address 0 through ctypes."""
import ctypes

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    return ctypes.string_at(0)
