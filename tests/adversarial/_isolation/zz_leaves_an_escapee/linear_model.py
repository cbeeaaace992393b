"""Hostile: the last student of the batch leaves a daemon in a session of its own, to outlive the grader."""
import ctypes
import os
import time

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            ctypes.CDLL(None).prctl(15, b"isolation-esc", 0, 0, 0)  # PR_SET_NAME
            while True:
                time.sleep(1)
        os._exit(0)
    return x * w
