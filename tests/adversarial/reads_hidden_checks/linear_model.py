"""Hostile: forward() lists and reads the hidden checks to learn their inputs."""
import sys
from pathlib import Path

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    checks = Path(sys.modules["grader.worker"].__file__).resolve().parents[1] / "checks"
    print(sorted(p.name for p in checks.iterdir()))
    print((checks / "test_linear_model.py").read_text())
    return x * w
