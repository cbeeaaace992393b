"""Probes of ``logistic_regression``: the student's model and ``fit``, run in the worker."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.worker.context import ProbeContext
from grader.worker.probes import probe
from grader.worker.probes.linear_regression import describe_model, fit_with, forward_with
from grader.worker.probes.modules import build

MODULE, MODEL = "logistic_regression", "LogisticRegressionModel"


@probe
def describe(ctx: ProbeContext, seed: int) -> dict[str, Any]:
    """What a fresh ``LogisticRegressionModel()`` is made of."""
    return describe_model(build(ctx, MODEL, {}, seed))


@probe
def forward(ctx: ProbeContext, parameters: list[torch.Tensor], inputs: list[torch.Tensor]) -> dict[str, Any]:
    """A ``LogisticRegressionModel()`` loaded with ``parameters`` (weight, bias), run on each input."""
    return forward_with(ctx, build(ctx, MODEL, {}, 0), parameters, inputs)


@probe
def fit(ctx: ProbeContext, x: torch.Tensor, y: torch.Tensor, epochs: int, lr: float, seed: int,
        parameters: list[torch.Tensor] | None = None, own_model: bool = False,
        watch: list[str] | None = None) -> dict[str, Any]:
    """The student's ``fit(model, x, y, epochs, lr)`` on the student's model or on Linear(1, 1) + Sigmoid."""
    torch.manual_seed(seed)
    model = build(ctx, MODEL, {}, seed) if own_model else nn.Sequential(nn.Linear(1, 1), nn.Sigmoid()).to(ctx.device)
    return fit_with(ctx, model, ctx.obj(MODULE, "fit"), parameters, x, y, [epochs, lr], watch or [])
