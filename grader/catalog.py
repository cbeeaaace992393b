"""The course's exercises and the constants a course may change: limits and thresholds.

Points, kinds and hints live on each check (``grader/checks/test_<name>.py``); what a
course tunes per exercise (time limits, convergence thresholds, speed floors) lives here,
with the figures each threshold was measured from.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping


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

    @property
    def checks_module(self) -> str:
        return f"grader.checks.test_{self.name}"

    def threshold(self, key: str) -> float:
        return float(self.thresholds[key])


def _freeze(values: dict[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        name="linear_model",
        title="Gradient by hand",
        notes="notes 004; 001 §2-3; 002 'learning'",
        objects=("forward", "cost", "gradient", "gradient_descent", "sgd"),
        thresholds=_freeze(
            {
                # The notes' run: w0=1, lr=0.01, 100 epochs ends at w = 2 - 4.7e-5 (reference).
                "w_tolerance": 1e-3,
                # Float64 inputs: the gradient must equal autograd's to this relative tolerance.
                "gradient_rtol": 1e-6,
            }
        ),
    ),
    Exercise(
        name="encoding",
        title="One-hot encoding with scatter_",
        notes="notes 002: wine quality, bike weather",
        objects=("one_hot", "one_hot_along"),
        thresholds=_freeze(
            {
                # Student throughput on 10**6 labels relative to the reference (median ratio).
                "one_hot_speed_floor": 0.5,
                "speed_labels": 1_000_000,
                "speed_rounds": 5,
            }
        ),
    ),
    Exercise(
        name="convnet",
        title="forward() of a small convolutional network",
        notes="notes 002: 'nn.Module subclass'",
        objects=("Net.forward",),
    ),
    Exercise(
        name="resnet",
        title="Residual blocks and a deep residual network",
        notes="notes 002: 'very deep models'",
        objects=("ResBlock", "NetResDeep"),
        call_timeout_s=60.0,
        thresholds=_freeze(
            {
                # Conv weight std must be within this fraction of sqrt(2 / fan_in).
                "kaiming_std_tolerance": 0.10,
                # Reference NetResDeep(8, 3), 20 seeds, this budget: validation accuracy
                # 0.906 / 0.986 / 0.998 (min / median / max); a network without skips: 0.50.
                "min_val_accuracy": 0.85,
                "train_images": 1024,
                "val_images": 512,
                "epochs": 3,
            }
        ),
    ),
    Exercise(
        name="evaluation",
        title="validate(): accuracy of a model over named loaders",
        notes="notes 002: 'accuracy', 'GPU'",
        objects=("validate",),
    ),
)

BY_NAME: Mapping[str, Exercise] = MappingProxyType({e.name: e for e in EXERCISES})


class UnknownExercise(LookupError):
    """A name that is not an exercise of the course."""

    def __init__(self, name: str) -> None:
        close = difflib.get_close_matches(name, list(BY_NAME), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        super().__init__(f"No exercise named '{name}'.{hint} See 'grader list'.")


def find(name: str) -> Exercise:
    """The exercise called ``name``; :class:`UnknownExercise` names the closest one."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnknownExercise(name) from None


def select(names: list[str] | tuple[str, ...]) -> list[Exercise]:
    """The exercises named (all of them when ``names`` is empty), in the course's order."""
    wanted = {find(n).name for n in names} if names else set(BY_NAME)
    return [e for e in EXERCISES if e.name in wanted]
