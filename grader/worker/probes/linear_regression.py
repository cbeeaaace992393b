"""Probes of ``linear_regression``: the student's model and training function, run in the worker.

The helpers here serve the exercises that train an ``nn.Module`` with a function of the
student's (``logistic_regression``, ``mlp``): parameters are loaded in ``parameters()``
order, so a model passes whatever its attributes are called as long as its parameters have
the expected shapes in the expected order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from grader.worker.context import ProbeContext
from grader.worker.probes import probe
from grader.worker.probes.modules import build


def describe_model(model: nn.Module) -> dict[str, Any]:
    """The parameter shapes in order, and the layers, of a model."""
    return {
        "type": type(model).__name__,
        "parameter_shapes": [list(p.shape) for p in model.parameters()],
        "layers": [type(m).__name__ for m in model.modules() if not list(m.children())],
        "linear": [[m.in_features, m.out_features, m.bias is not None] for m in model.modules()
                   if isinstance(m, nn.Linear)],
    }


def load_parameters(model: nn.Module, values: list[torch.Tensor]) -> bool:
    """Copy ``values`` into the model's parameters in order; False if the shapes differ."""
    parameters = list(model.parameters())
    if [tuple(p.shape) for p in parameters] != [tuple(v.shape) for v in values]:
        return False
    with torch.no_grad():
        for parameter, value in zip(parameters, values):
            parameter.copy_(value)
    return True


def forward_with(ctx: ProbeContext, model: nn.Module, parameters: list[torch.Tensor],
                 inputs: list[torch.Tensor]) -> dict[str, Any]:
    """The model's outputs for each input once ``parameters`` are loaded (no autograd)."""
    if not load_parameters(model, ctx.to_device(parameters)):
        return {"mismatch": describe_model(model)}
    with torch.no_grad():
        return {"outputs": [model(x) for x in ctx.to_device(inputs)]}


def fit_with(ctx: ProbeContext, model: nn.Module, fit: Callable[..., Any], parameters: list[torch.Tensor] | None,
             x: torch.Tensor, y: torch.Tensor, hyper: list[Any], watch: list[str]) -> dict[str, Any]:
    """Call ``fit(model, x, y, *hyper)``; report its result, the parameters and data after, and what it called.

    With ``parameters``, they are loaded first; without, the model keeps its own initial values.
    """
    if parameters is not None and not load_parameters(model, ctx.to_device(parameters)):
        return {"mismatch": describe_model(model)}
    x, y = ctx.to_device(x), ctx.to_device(y)
    with ctx.watching(watch) as calls:
        result = fit(model, x, y, *hyper)
    return {
        "result": result,
        "parameters": [p.detach() for p in model.parameters()],
        "calls": list(calls),
        "inputs_after": {"x": x, "y": y},
    }


@probe
def describe(ctx: ProbeContext, seed: int) -> dict[str, Any]:
    """What a fresh ``LinearModel()`` is made of."""
    return describe_model(build(ctx, "LinearModel", {}, seed))


@probe
def forward(ctx: ProbeContext, parameters: list[torch.Tensor], inputs: list[torch.Tensor]) -> dict[str, Any]:
    """A ``LinearModel()`` loaded with ``parameters`` (weight, bias), run on each input."""
    return forward_with(ctx, build(ctx, "LinearModel", {}, 0), parameters, inputs)


@probe
def train(ctx: ProbeContext, x: torch.Tensor, y: torch.Tensor, epochs: int, lr: float, seed: int,
          parameters: list[torch.Tensor] | None = None, own_model: bool = False,
          watch: list[str] | None = None) -> dict[str, Any]:
    """The student's ``train(model, x, y, epochs, lr)`` on the student's ``LinearModel`` or on an nn.Linear(1, 1).

    The grader's own nn.Linear tests ``train`` alone, whatever the student's model does.
    """
    torch.manual_seed(seed)
    model = build(ctx, "LinearModel", {}, seed) if own_model else nn.Linear(1, 1).to(ctx.device)
    return fit_with(ctx, model, ctx.obj("linear_regression", "train"), parameters, x, y, [epochs, lr], watch or [])
