"""Hostile: forward() fills its folder with 1 MB files, each under the limit on one file, 48 MB in all."""
from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    for number in range(48):
        with open(f"filler-{number}.bin", "wb") as filler:
            filler.write(b"\1" * (1 << 20))
    return x * w
