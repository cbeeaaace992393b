"""Hostile: forward() calls sys.exit(0)."""
import sys

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    sys.exit(0)
