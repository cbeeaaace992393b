"""The grader of the PyTorch course; in Jupyter, ``import grader; grader.check("resnet")``.

Importing this package imports nothing: worker processes import ``grader.shared`` and
``grader.worker`` through it and may read no other part of the grader, and ``import grader``
in a notebook stays instant. ``grader.check`` is loaded on first use (see :mod:`grader.kernel`).
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    if name == "check":
        # The package grader.check, which is callable: grader.check("resnet") is grader.kernel.check.
        return importlib.import_module("grader.check")
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
