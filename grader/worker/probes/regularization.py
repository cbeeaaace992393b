"""Probes of ``regularization``: the L2 penalty on a trusted model, seeded dropout, training.

The grader imports :func:`penalty_model` too, to build the same model on its side.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from grader.shared.exercises.regularization import penalty_model
from grader.worker.context import ProbeContext
from grader.worker.probes import probe
from grader.worker.probes.modules import build, train_on_images


def _penalty_model(ctx: ProbeContext, width: int, state: dict[str, torch.Tensor]) -> nn.Sequential:
    model = penalty_model(width).to(ctx.device)
    model.load_state_dict(ctx.to_device(state))
    return model


@probe
def penalty(ctx: ProbeContext, width: int, state: dict[str, torch.Tensor]) -> dict[str, Any]:
    """The student's ``l2_penalty`` of :func:`penalty_model` loaded with ``state``.

    If the result is a tensor attached to the graph, it is backpropagated and the
    parameters' gradients come back too; the parameters after the call always do.
    """
    model = _penalty_model(ctx, width, state)
    result = ctx.obj("regularization", "l2_penalty")(model)
    reply: dict[str, Any] = {"result": result, "grads": None}
    if isinstance(result, torch.Tensor) and result.requires_grad and result.numel() == 1:
        result.sum().backward()
        reply["grads"] = {name: p.grad for name, p in model.named_parameters()}
    reply["params_after"] = {name: p.detach() for name, p in model.named_parameters()}
    return reply


@probe
def penalty_edge_cases(ctx: ProbeContext, state: dict[str, torch.Tensor]) -> dict[str, Any]:
    """The student's ``l2_penalty`` of a model without parameters, and of :func:`penalty_model` in float64."""
    l2_penalty = ctx.obj("regularization", "l2_penalty")
    empty = l2_penalty(nn.Sequential(nn.Tanh()).to(ctx.device))
    double = _penalty_model(ctx, 4, state).double()
    return {"empty": empty, "float64": l2_penalty(double)}


@probe
def penalised_sgd(ctx: ProbeContext, width: int, state: dict[str, torch.Tensor], inputs: torch.Tensor,
                  targets: torch.Tensor, l2_lambda: float, lr: float, momentum: float, steps: int) -> dict[str, Any]:
    """``steps`` SGD steps on ``mse(model(inputs), targets) + l2_lambda * l2_penalty(model)``; the parameters after."""
    model = _penalty_model(ctx, width, state).train()
    l2_penalty = ctx.obj("regularization", "l2_penalty")
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    x, y = inputs.to(ctx.device), targets.to(ctx.device)
    for _ in range(steps):
        loss = F.mse_loss(model(x), y) + l2_lambda * l2_penalty(model)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {"params": {name: p.detach() for name, p in model.named_parameters()}}


@probe
def seeded_forward(ctx: ProbeContext, cls: str, kwargs: dict[str, Any], state: dict[str, torch.Tensor],
                   x: torch.Tensor, seed: int, calls: int) -> dict[str, Any]:
    """``calls`` forward passes of the student's ``cls`` in training mode on the CPU, the global RNG seeded first.

    On the CPU the same seed gives the same dropout masks in every process, so the grader
    can replay the passes with the reference.
    """
    model = build(ctx, cls, kwargs, 0).cpu()
    model.load_state_dict(state)
    model.train()
    torch.manual_seed(seed)
    with torch.no_grad():
        outputs = [model(x) for _ in range(calls)]
    return {"outputs": outputs}


@probe
def train(ctx: ProbeContext, n_chans1: int, seed: int, data_seed: int, images: int, epochs: int, lr: float,
          momentum: float, l2_lambda: float, batch_size: int) -> dict[str, Any]:
    """Train the student's NetBatchNorm on the offline images with ``l2_lambda * l2_penalty``; its final state.

    The grader judges the returned ``state_dict`` with the reference network, on held-out
    images the worker never sees.
    """
    model = build(ctx, "NetBatchNorm", {"n_chans1": n_chans1}, seed)
    l2_penalty = ctx.obj("regularization", "l2_penalty")
    curve = train_on_images(ctx, model, images=images, data_seed=data_seed, epochs=epochs, lr=lr, momentum=momentum,
                            batch_size=batch_size, seed=seed, penalty=lambda m: l2_lambda * l2_penalty(m))
    return {"curve": curve, "state": dict(model.state_dict())}
