"""What a speed check times, the same on both sides: a :class:`Subject` per benchmarked object.

Each exercise with a speed check names its subjects beside its other shared code, in
``grader/shared/exercises/<exercise>.py`` (``SPEED``); :func:`subjects` gathers them. The
worker's ``bench`` probes time the student's object; the grader makes the same inputs and
computes the expected digests with the reference.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import torch
from torch import nn

from grader.shared import exercises


@dataclass(frozen=True)
class Subject:
    """A benchmarked object: ``setup`` builds what is reused (a model), ``call`` does one item batch."""

    exercise: str
    title: str
    #: Items one call processes (labels, images), for throughput in items per second.
    items: int
    make_inputs: Callable[[int, str], Any]
    setup: Callable[[ModuleType, str], Any]
    call: Callable[[Any, Any], Any]
    #: The output's digest at the given positions (taken modulo its size), drawn by the grader.
    digest: Callable[[Any, torch.Tensor], torch.Tensor]
    #: (rtol, atol) for comparing digests: exact where the output is exact.
    tolerance: tuple[float, float] = (0.0, 0.0)


#: Captured when the worker imports this module, before any student code can replace them.
_Generator, _randint, _randn = torch.Generator, torch.randint, torch.randn


def labels(seed: int, n: int, num_classes: int, device: str = "cpu") -> torch.Tensor:
    """Integer labels in [0, num_classes) from ``seed``, the same in the worker and the grader."""
    generator = _Generator().manual_seed(seed)
    return _randint(num_classes, (n,), generator=generator).to(device)


DIGEST_POSITIONS = 1024


def values_at(out: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    flat = out.detach().reshape(-1)
    return flat[positions.to(flat.device) % flat.numel()].to(torch.float64).cpu()


def module_setup(cls: str, kwargs: dict[str, int]) -> Callable[[ModuleType, str], Any]:
    def setup(module: ModuleType, device: str) -> nn.Module:
        torch.manual_seed(0)
        model = getattr(module, cls)(**kwargs)
        same_weights(model)
        return model.to(device).train()

    return setup


def same_weights(model: nn.Module) -> None:
    """Give every floating tensor of ``model`` values drawn by name from one fixed generator.

    The student's module and the reference's then hold the same weights whatever order their
    constructors drew their initial values in (the checks of the layers' names and of the
    initialisation come first), so their outputs can be compared.
    """
    generator = _Generator().manual_seed(0)
    with torch.no_grad():
        for _, tensor in sorted(model.state_dict().items()):
            if tensor.is_floating_point():
                tensor.copy_(_randn(tensor.shape, generator=generator) * 0.1)


def forward_backward(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    model.zero_grad(set_to_none=True)
    out = model(x)
    out.square().mean().backward()
    return out


def module_digest(out: Any, positions: torch.Tensor) -> torch.Tensor:
    """The output's sum and its values at the grader's positions."""
    if not isinstance(out, torch.Tensor) or out.numel() == 0:
        return torch.full((len(positions) + 1,), float("nan"), dtype=torch.float64)
    return torch.cat([out.detach().sum().to(torch.float64).cpu().reshape(1), values_at(out, positions)])


def images(shape: tuple[int, ...]) -> Callable[[int, str], torch.Tensor]:
    def make(seed: int, device: str) -> torch.Tensor:
        return _randn(shape, generator=_Generator().manual_seed(seed)).to(device)

    return make




@functools.cache
def subjects() -> dict[str, Subject]:
    """Every exercise's speed subjects, by ``<exercise>.<object>``."""
    found: dict[str, Subject] = {}
    for info in pkgutil.iter_modules(exercises.__path__):
        found.update(getattr(importlib.import_module(f"{exercises.__name__}.{info.name}"), "SPEED", {}))
    return found
