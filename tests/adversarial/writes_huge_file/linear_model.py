"""Hostile: forward() fills the disk with a 1 GB file in its folder."""
from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    with open("filler.bin", "wb") as filler:
        for _ in range(1024):
            filler.write(b"\0" * (1 << 20))
    return x * w
