"""Each exercise's entry (``EXERCISE``) and the code both sides share for it, one module per exercise."""

from __future__ import annotations

import pkgutil


def names() -> tuple[str, ...]:
    """The exercises' names, read from this folder without importing their modules (some import torch)."""
    return tuple(sorted(info.name for info in pkgutil.iter_modules(__path__)))
