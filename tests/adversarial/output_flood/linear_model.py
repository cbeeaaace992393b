"""Hostile: forward() prints 100 MB, then returns the right answer."""
import sys

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    line = "x" * 1023 + "\n"
    for _ in range(100 * 1024):
        sys.stdout.write(line)
    return x * w
