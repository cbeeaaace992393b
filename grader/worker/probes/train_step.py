"""Probes of ``train_step``: the student's steps on the notes' model, with recording metrics.

The model, the metrics and the loss tracker are trusted objects that record what the
student's steps do with them. Steps run on the CPU with the global RNG seeded before each
one, so the grader can replay them (dropout included) with the reference. The grader
imports :class:`StepNet` and :func:`freeze` too.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from grader.shared.data.images import two_class_images
from grader.shared.exercises.train_step import FROZEN, StepNet, freeze
from grader.worker.context import ProbeContext
from grader.worker.probes import probe

#: Taken from torch's C core when the zygote imports the probes, before any student code can replace it.
_grad_enabled = torch._C.is_grad_enabled


class RecordingMetric:
    """A metric whose result is the number of updates it has seen plus ``offset``; it records each update."""

    def __init__(self, name: str, offset: float) -> None:
        self.name = name
        self.offset = offset
        self.updates: list[list[Any]] = []

    def update_state(self, *args: Any) -> None:
        self.updates.append([a.detach().clone() if isinstance(a, torch.Tensor) else a for a in args])

    def result(self) -> float:
        return float(len(self.updates)) + self.offset


class RecordingTracker:
    """A running mean of the losses it is given; it records whether each came with an autograd graph."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.with_graph: list[bool] = []

    def update_state(self, value: Any) -> None:
        self.with_graph.append(isinstance(value, torch.Tensor) and value.requires_grad)
        self.values.append(float(value.detach()) if isinstance(value, torch.Tensor) else float(value))

    def result(self) -> float:
        return sum(self.values) / len(self.values) if self.values else 0.0


@probe
def run(ctx: ProbeContext, state: dict[str, torch.Tensor], batches: list[list[torch.Tensor]], modes: list[str],
        seeds: list[int], lr: float, momentum: float, tracker: bool, start_training: bool,
        in_features: int = 28 * 28, classes: int = 10) -> dict[str, Any]:
    """Apply the student's ``train_step`` or ``test_step`` (``modes``) to each batch in turn.

    Returns the logs of each step, what the model saw, what the metrics and the tracker
    received, and the model's state, the frozen parameter's flags included, at the end.
    """
    model = freeze(StepNet(in_features, classes=classes))
    model.load_state_dict(state)
    model.train(start_training)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    metrics = [RecordingMetric("accuracy", 0.25), RecordingMetric("auc", 0.5)]
    loss_tracker = RecordingTracker() if tracker else None
    train_step, test_step = ctx.obj("train_step", "train_step"), ctx.obj("train_step", "test_step")
    logs, calls = [], []
    for (x, y), mode, seed in zip(batches, modes, seeds):
        before = len(model.records)
        torch.manual_seed(seed)
        if mode == "train":
            logs.append(train_step(model, optimizer, F.cross_entropy, x, y, metrics, loss_tracker))
        else:
            logs.append(test_step(model, F.cross_entropy, x, y, metrics, loss_tracker))
        calls.append([{k: v for k, v in r.items()} for r in model.records[before:]])
    frozen = model.get_parameter(FROZEN)
    return {"logs": logs, "forwards": calls, "state": dict(model.state_dict()),
            "frozen": {"requires_grad": frozen.requires_grad, "has_grad": frozen.grad is not None},
            "metrics": {m.name: m.updates for m in metrics},
            "tracker": None if loss_tracker is None else {"values": loss_tracker.values,
                                                          "with_graph": loss_tracker.with_graph}}


@probe
def train(ctx: ProbeContext, state: dict[str, torch.Tensor], data_seed: int, images: int, epochs: int,
          batch_size: int, lr: float, momentum: float, seed: int) -> dict[str, Any]:
    """Train :class:`StepNet` on the offline two-class images with the student's ``train_step``; its final state."""
    model = freeze(StepNet(3 * 32 * 32, classes=2))
    model.load_state_dict(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    train_step = ctx.obj("train_step", "train_step")
    x, y = two_class_images(images, data_seed)
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    curve = []
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        losses = []
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            losses.append(train_step(model, optimizer, F.cross_entropy, x[batch], y[batch], [])["loss"])
        curve.append(losses)
    return {"curve": curve, "state": dict(model.state_dict())}
