"""Hostile: forward() leaves a daemon behind, in a session of its own (out of the worker's process group)."""
import ctypes
import os
import time

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            ctypes.CDLL(None).prctl(15, b"escapee", 0, 0, 0)  # PR_SET_NAME
            while True:
                time.sleep(1)
        os._exit(0)
    return x * w
