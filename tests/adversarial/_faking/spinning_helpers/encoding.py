"""Hostile: at import, starts helper processes in sessions of their own (os.fork, then setsid) that
spin on every core whenever one_hot is not running, so the reference, timed in between, is slowed;
one_hot itself does the work three times, well below the floor of half the reference's speed."""
import mmap
import os
import time

import torch

HELPERS = 8
_idle = mmap.mmap(-1, 1)  # shared with the helpers: 1 while one_hot is not running
_idle[0] = 1


def _spin():
    os.setsid()
    while True:
        if _idle[0]:
            for _ in range(10_000):
                pass
        else:
            time.sleep(0.0001)


for _ in range(HELPERS):
    if os.fork() == 0:
        try:
            _spin()
        finally:
            os._exit(0)


def _encode(target, num_classes):
    if target.dtype.is_floating_point or target.dtype.is_complex or target.dtype == torch.bool:
        raise TypeError(f"labels must be an integer tensor, got dtype {target.dtype}")
    return torch.zeros(len(target), num_classes).scatter_(1, target.long().unsqueeze(1), 1.0)


def one_hot(target, num_classes):
    _idle[0] = 0
    try:
        for _ in range(3):
            encoded = _encode(target, num_classes)
        return encoded
    finally:
        _idle[0] = 1


def one_hot_along(indices, num_classes, dim):
    raise NotImplementedError("one_hot_along: not attacked here")
