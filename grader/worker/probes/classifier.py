"""Probes of ``classifier``: one epoch of the student's ``train_epoch``, and a whole training run."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.shared.data.images import two_class_images
from grader.worker.context import ProbeContext, raised
from grader.worker.probes import probe
from grader.worker.probes.modules import build


def _optimizer(name: str, parameters: Any, lr: float) -> torch.optim.Optimizer:
    return {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[name](parameters, lr=lr)


@probe
def train_epoch(ctx: ProbeContext, sizes: list[int], state: dict[str, torch.Tensor], images: torch.Tensor,
                labels: torch.Tensor, batch_size: int, optimizer: str, lr: float, start_training: bool = True,
                catch: bool = False) -> dict[str, Any]:
    """Run the student's ``train_epoch`` once on a grader-built fully connected model.

    The model (Linear, Tanh, Linear, LogSoftmax with ``sizes``) is loaded with ``state`` and
    put in train or eval mode; the loader holds ``images`` and ``labels`` in order, on the
    CPU. Returns what ``train_epoch`` returned, the state after, and per forward call the
    model's mode and the input's shape.
    """
    n_in, n_hidden, n_out = sizes
    model = nn.Sequential(nn.Linear(n_in, n_hidden), nn.Tanh(), nn.Linear(n_hidden, n_out), nn.LogSoftmax(dim=1))
    model.load_state_dict(state)
    model.to(ctx.device).train(start_training)
    records: list[dict[str, Any]] = []
    model.register_forward_pre_hook(
        lambda module, inputs: records.append({"training": module.training, "shape": list(inputs[0].shape)}))
    loader = DataLoader(TensorDataset(images, labels), batch_size=batch_size, shuffle=False)
    func = ctx.obj("classifier", "train_epoch")
    reply: dict[str, Any] = {}
    try:
        reply["result"] = func(model, loader, _optimizer(optimizer, model.parameters(), lr), nn.NLLLoss())
    except NotImplementedError:
        raise
    except Exception as exc:
        if not catch:
            raise
        reply.update(raised(exc))
    reply.update(state_after=dict(model.state_dict()), records=records)
    return reply


@probe
def train(ctx: ProbeContext, n_hidden: int, seed: int, data_seed: int, images: int, epochs: int, lr: float,
          batch_size: int) -> dict[str, Any]:
    """Train the student's ``make_fc_classifier(3072, n_hidden, 2)`` with their ``train_epoch``.

    The notes' setting: SGD, NLLLoss, shuffled batches of the offline two-class images.
    Returns the losses ``train_epoch`` reported and the trained ``state_dict``, which the
    grader evaluates itself.
    """
    model = build(ctx, "make_fc_classifier", {"n_in": 3072, "n_hidden": n_hidden, "n_out": 2}, seed)
    x, y = two_class_images(images, data_seed)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    train_epoch_fn = ctx.obj("classifier", "train_epoch")
    curve = [train_epoch_fn(model, loader, optimizer, nn.NLLLoss()) for _ in range(epochs)]
    return {"curve": curve, "state": dict(model.state_dict())}
