"""Probes of ``mlp``: the student's network and hand-written training loop, run in the worker."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.worker.context import ProbeContext
from grader.worker.probes import probe
from grader.worker.probes.linear_regression import describe_model, fit_with, forward_with
from grader.worker.probes.modules import build


def notes_mlp() -> nn.Module:
    """The notes' network, the grader's own copy: to test the student's ``fit`` alone."""
    return nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))


@probe
def describe(ctx: ProbeContext, seeds: list[int]) -> dict[str, Any]:
    """What ``make_mlp()`` builds, and whether two calls (global RNG seeded differently) give two networks."""
    first, second = (build(ctx, "make_mlp", {}, seed) for seed in seeds)
    same_values = [list(p.shape) for p in first.parameters()] == [list(p.shape) for p in second.parameters()] and all(
        torch.equal(p, q) for p, q in zip(first.parameters(), second.parameters()))
    return {**describe_model(first), "same_object": first is second, "same_values": same_values}


@probe
def forward(ctx: ProbeContext, parameters: list[torch.Tensor], inputs: list[torch.Tensor]) -> dict[str, Any]:
    """A ``make_mlp()`` network loaded with ``parameters`` (in parameters() order), run on each input."""
    return forward_with(ctx, build(ctx, "make_mlp", {}, 0), parameters, inputs)


@probe
def fit(ctx: ProbeContext, x: torch.Tensor, y: torch.Tensor, lr: float, epochs: int, seed: int,
        parameters: list[torch.Tensor] | None = None, own_model: bool = False,
        watch: list[str] | None = None) -> dict[str, Any]:
    """The student's ``fit(model, x, y, lr, epochs)`` on ``make_mlp()`` or on the notes' network."""
    torch.manual_seed(seed)
    model = build(ctx, "make_mlp", {}, seed) if own_model else notes_mlp().to(ctx.device)
    return fit_with(ctx, model, ctx.obj("mlp", "fit"), parameters, x, y, [lr, epochs], watch or [])
