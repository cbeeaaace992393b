"""The results model: the one source every output (terminal, HTML, JSON, JUnit) renders.

Plain, typed dataclasses that round-trip through JSON. ``SCHEMA_VERSION`` changes whenever
a field is renamed or its meaning changes, so stored results can be read back safely.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.shared.outcome import Outcome

SCHEMA_VERSION = 1

#: Outcomes of one check (see :class:`~grader.shared.outcome.Outcome`).
OUTCOMES = tuple(Outcome)


@dataclass
class CheckResult:
    """What one check found about one submission."""

    exercise: str
    name: str
    title: str
    kind: str
    hidden: bool
    max_points: float
    points: float
    outcome: Outcome
    message: str = ""
    hint: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    output: str = ""
    duration_s: float = 0.0

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "outcome":
            value = Outcome(value)  # a word that is not an outcome is refused here, however it is set
        super().__setattr__(name, value)

    @property
    def id(self) -> str:
        return f"{self.exercise}::{self.name}"

    @property
    def passed(self) -> bool:
        return self.outcome == Outcome.PASSED

    @property
    def failed(self) -> bool:
        return self.outcome.failing


@dataclass
class ExerciseResult:
    """All checks of one exercise."""

    name: str
    title: str
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.checks if c.outcome != Outcome.SKIPPED)

    @property
    def all_passed(self) -> bool:
        return not any(c.failed for c in self.checks)


@dataclass
class RunResult:
    """One grading run of one submission."""

    submission: str
    started_at: str
    duration_s: float
    grader_version: str
    seed: int
    include_hidden: bool
    isolation: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION

    @property
    def points(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_points(self) -> float:
        return sum(e.max_points for e in self.exercises)

    @property
    def checks(self) -> list[CheckResult]:
        return [c for e in self.exercises for c in e.checks]

    @property
    def all_passed(self) -> bool:
        return all(e.all_passed for e in self.exercises)

    @property
    def has_grader_error(self) -> bool:
        return any(c.outcome == Outcome.GRADER_ERROR for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False, default=_not_serialisable)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"results schema version {version!r} is not {SCHEMA_VERSION}: "
                "re-run the grader to produce results this version can read"
            )
        exercises = [
            ExerciseResult(
                name=e["name"],
                title=e["title"],
                checks=[CheckResult(**c) for c in e["checks"]],
            )
            for e in data["exercises"]
        ]
        fields = {k: v for k, v in data.items() if k != "exercises"}
        return cls(exercises=exercises, **fields)

    @classmethod
    def load(cls, path: Path) -> RunResult:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _not_serialisable(value: Any) -> Any:
    raise TypeError(f"results must hold plain data, got {type(value).__name__}")


@dataclass
class BenchResult:
    """``grader bench`` of one submission: one measurement per object and device.

    Each measurement is the plain-data form of :class:`grader.judge.throughput.Measurement`
    (``to_details()``): the figures a performance check also puts in its details.
    """

    measurements: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, allow_nan=False, default=_not_serialisable)
