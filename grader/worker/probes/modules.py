"""Probes of the student's ``nn.Module`` classes: build, load weights, run forward and backward."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from grader.shared.data.images import two_class_images
from grader.worker.context import ProbeContext
from grader.worker.probes import probe


def build(ctx: ProbeContext, cls: str, kwargs: dict[str, Any], seed: int) -> nn.Module:
    """Instantiate the exercise's ``cls(**kwargs)`` with the global RNG seeded."""
    torch.manual_seed(seed)
    model = ctx.own(cls)(**kwargs)
    if not isinstance(model, nn.Module):
        raise TypeError(f"{cls}(...) built a {type(model).__name__}, not an nn.Module")
    return model.to(ctx.device)


def train_on_images(ctx: ProbeContext, model: nn.Module, *, images: int, data_seed: int, epochs: int, lr: float,
                    momentum: float, batch_size: int, seed: int,
                    penalty: Callable[[nn.Module], torch.Tensor] | None = None) -> list[float]:
    """Train ``model`` with SGD on ``images`` offline two-class images, batches shuffled by ``seed``.

    The loss is the cross-entropy, plus ``penalty(model)`` where given; returns the mean
    loss of each epoch.
    """
    x, y = two_class_images(images, data_seed)
    x, y = x.to(ctx.device), y.to(ctx.device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    generator = torch.Generator().manual_seed(seed)
    curve = []
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator).to(ctx.device)
        total = 0.0
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            loss = F.cross_entropy(model(x[batch]), y[batch])
            if penalty is not None:
                loss = loss + penalty(model)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        curve.append(total / len(x))
    return curve


def _layout(model: nn.Module) -> dict[str, Any]:
    parameters = list(model.parameters())
    return {
        "shapes": {name: list(t.shape) for name, t in model.state_dict().items()},
        "parameters": sum(p.numel() for p in parameters),
        "parameter_tensors": len(parameters),
        "named_parameter_tensors": len(dict(model.named_parameters(remove_duplicate=False))),
    }


@probe
def layout(ctx: ProbeContext, cls: str, kwargs: dict[str, Any], seed: int = 0,
           watch: list[str] | None = None) -> dict[str, Any]:
    """The state_dict names and shapes of a fresh instance, its parameters, and its initial values."""
    with ctx.watching(watch or []) as calls:
        model = build(ctx, cls, kwargs, seed)
    return {**_layout(model), "state": dict(model.state_dict()), "calls": list(calls),
            "storages": {name: p.data_ptr() for name, p in model.named_parameters(remove_duplicate=False)}}


@probe
def run(ctx: ProbeContext, cls: str, kwargs: dict[str, Any], state: dict[str, torch.Tensor],
        inputs: list[torch.Tensor], train: bool = False, upstream: list[torch.Tensor] | None = None) -> dict[str, Any]:
    """Load ``state`` into a fresh instance and run it on each input.

    With ``upstream``, also backpropagate ``sum(output * upstream)`` from each output and
    return the gradients of every parameter (summed over the inputs). Returns the layout
    instead of outputs when ``state`` does not fit the student's module.
    """
    model = build(ctx, cls, kwargs, 0)
    found = model.state_dict()
    missing = sorted(set(state) - set(found))
    unexpected = sorted(set(found) - set(state))
    wrong_shapes = sorted(k for k in set(state) & set(found) if tuple(found[k].shape) != tuple(state[k].shape))
    if missing or unexpected or wrong_shapes:
        return {"mismatch": {"missing": missing, "unexpected": unexpected, "wrong_shapes": wrong_shapes},
                **_layout(model)}
    model.load_state_dict(ctx.to_device(state))
    model.train(train)
    outputs = []
    for index, x in enumerate(ctx.to_device(inputs)):
        output = model(x)
        if upstream is not None and isinstance(output, torch.Tensor):
            (output * upstream[index].to(output.device)).sum().backward()
        outputs.append(output.detach() if isinstance(output, torch.Tensor) else output)
    reply: dict[str, Any] = {"outputs": outputs, "state_after": dict(model.state_dict()), "training_after": model.training}
    if upstream is not None:
        reply["grads"] = {name: p.grad for name, p in model.named_parameters()}
    return reply
