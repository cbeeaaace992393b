"""What an exercise is: its entry, written beside the rest of its shared code in ``grader/shared/exercises/``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Exercise:
    """One exercise: a stub module, a reference module, a checks module, all named ``name``."""

    name: str
    title: str
    notes: str
    objects: tuple[str, ...]
    #: Wall-clock seconds a single probe call may take before the worker is stopped.
    call_timeout_s: float = 20.0
    thresholds: Mapping[str, float] = field(default_factory=dict)
    #: Its place in the course (the notes' order); the catalog lists exercises by it.
    order: int = 0

    @property
    def checks_module(self) -> str:
        return f"grader.checks.test_{self.name}"

    def threshold(self, key: str) -> float:
        return float(self.thresholds[key])


def freeze(values: dict[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))
