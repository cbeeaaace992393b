"""Probes of ``evaluation``: ``validate()`` on a model whose every call is recorded."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.worker.context import ProbeContext, raised
from grader.worker.probes import probe

#: Taken from torch's C core when the zygote imports the probes, before any student code can replace it.
_grad_enabled = torch._C.is_grad_enabled


class RecordingModel(nn.Module):
    """Predicts the class scores found in its input's first ``num_classes`` columns.

    In eval mode its output is deterministic. In train mode its dropout zeroes scores at
    random (so predictions change) and its batch norm updates its running statistics. It
    records, for every call, the mode, whether autograd was on, and the input's device.
    """

    def __init__(self, num_classes: int, fail_at_call: int | None = None) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.fail_at_call = fail_at_call
        self.dropout = nn.Dropout(0.5)
        self.batch_norm = nn.BatchNorm1d(num_classes)
        self.scale = nn.Parameter(torch.ones(()))
        self.records: list[dict[str, Any]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.records.append({"training": self.training, "grad_enabled": _grad_enabled(),
                             "device": str(x.device), "batch": int(x.shape[0])})
        if len(self.records) == self.fail_at_call:
            raise RuntimeError("a failure the grader injected into the model")
        scores = x[:, : self.num_classes]
        if x.shape[0] > 1 or not self.training:
            self.batch_norm(scores)
        return self.dropout(scores) * self.scale


@probe
def validate(ctx: ProbeContext, data: dict[str, list[Any]], num_classes: int, start_training: bool,
             seed: int, catch: bool = False, device: str | None = None,
             fail_at_call: int | None = None, plain: bool = False) -> dict[str, Any]:
    """Call the student's ``validate(model, loaders, device)``; report its result and what the model saw.

    ``data`` maps a loader name to ``[inputs, labels, batch_size]``; the batches start on
    the CPU and the model on ``device`` (default: the worker's). With ``fail_at_call``,
    the model raises on that call, to see what ``validate`` leaves behind. With ``plain``, each
    loader is a list of (inputs, labels) batches rather than a DataLoader.
    """
    device = device or ctx.device
    torch.manual_seed(seed)
    model = RecordingModel(num_classes, fail_at_call).to(device)
    model.train(start_training)
    loaders = {name: DataLoader(TensorDataset(x, y), batch_size=batch, shuffle=False)
               for name, (x, y, batch) in data.items()}
    if plain:
        loaders = {name: list(zip(x.split(batch), y.split(batch))) for name, (x, y, batch) in data.items()}
    validate_fn = ctx.obj("evaluation", "validate")
    reply: dict[str, Any] = {}
    try:
        reply["result"] = validate_fn(model, loaders, device=device)
    except NotImplementedError:
        raise
    except Exception as exc:
        if not catch:
            raise
        reply.update(raised(exc, 500))
    reply.update(records=model.records, training_after=model.training,
                 running_stats_after={"running_mean": model.batch_norm.running_mean.detach().clone(),
                                      "running_var": model.batch_norm.running_var.detach().clone()})
    return reply
