"""Probes of ``resnet`` beyond one forward pass: deep gradients and training."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from grader.shared.data.images import two_class_images
from grader.worker.context import ProbeContext
from grader.worker.probes import probe
from grader.worker.probes.modules import build, train_on_images


@probe
def conv1_gradient(ctx: ProbeContext, n_chans1: int, n_blocks: int, seed: int) -> dict[str, Any]:
    """Backpropagate a cross-entropy loss through a fresh NetResDeep; the gradient that reaches conv1."""
    model = build(ctx, "NetResDeep", {"n_chans1": n_chans1, "n_blocks": n_blocks}, seed)
    images, labels = two_class_images(8, seed)
    loss = F.cross_entropy(model(images.to(ctx.device)), labels.to(ctx.device))
    loss.backward()
    return {"loss": loss.item(), "conv1_grad": model.conv1.weight.grad}


@probe
def train(ctx: ProbeContext, n_chans1: int, n_blocks: int, seed: int, data_seed: int, images: int,
          epochs: int, lr: float, batch_size: int = 64) -> dict[str, Any]:
    """Train a fresh NetResDeep on the offline two-class images; return its loss curve.

    The trained model stays in the worker for :func:`predict`, which the grader calls with
    held-out images the worker has not seen before.
    """
    model = build(ctx, "NetResDeep", {"n_chans1": n_chans1, "n_blocks": n_blocks}, seed)
    curve = train_on_images(ctx, model, images=images, data_seed=data_seed, epochs=epochs, lr=lr, momentum=0.9,
                            batch_size=batch_size, seed=seed)
    ctx.prepared["trained"] = model
    return {"curve": curve}


@probe
def predict(ctx: ProbeContext, images: torch.Tensor) -> torch.Tensor:
    """The logits of the model :func:`train` left behind, in eval mode, for ``images``."""
    model = ctx.prepared["trained"]
    model.eval()
    with torch.no_grad():
        return model(images.to(ctx.device))


@probe
def width(ctx: ProbeContext, n_chans1: int, n_blocks: int) -> dict[str, Any]:
    """The ``n_chans1`` attribute of a fresh NetResDeep, when it is a plain int (None otherwise)."""
    model = build(ctx, "NetResDeep", {"n_chans1": n_chans1, "n_blocks": n_blocks}, 0)
    value = getattr(model, "n_chans1", None)
    return {"n_chans1": value if type(value) is int else None}
