"""Probes: trusted functions the grader asks a worker to run against the student's code.

A probe takes the :class:`~grader.worker.context.ProbeContext` and plain keyword
arguments, calls the student's objects, and returns plain data (tensors, numbers,
strings, lists, dicts). It never judges what it sees.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

Probe = Callable[..., Any]
PROBES: dict[str, Probe] = {}


def probe(func: Probe) -> Probe:
    """Register ``func`` under ``<module>.<name>``, e.g. ``resnet.train``."""
    module = func.__module__.rsplit(".", 1)[-1]
    PROBES[f"{module}.{func.__name__}"] = func
    return func


def load_all() -> dict[str, Probe]:
    """Import every probe module of this package (the zygote does it once, before forking)."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return PROBES
