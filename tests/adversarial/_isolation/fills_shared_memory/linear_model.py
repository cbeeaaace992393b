"""Hostile: forward() holds 48 MB in /dev/shm, in 1 MB files: memory outside its memory limit."""
import os

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    for number in range(48):
        with open(f"/dev/shm/grader-isolation-fill-{os.getpid()}-{number}", "wb") as filler:
            filler.write(b"\1" * (1 << 20))
    return x * w
