"""Hostile: forward() copies the reference solution, as a module or else from its file."""
import importlib
import sys
from pathlib import Path

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    try:
        return importlib.import_module("solutions.linear_model").forward(x, w)
    except ImportError:
        source = Path(sys.modules["grader.worker"].__file__).resolve().parents[2] / "solutions" / "linear_model.py"
        namespace = {}
        exec(source.read_text(), namespace)
        return namespace["forward"](x, w)
