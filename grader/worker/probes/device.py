"""Probes of ``device``: ``pick_device`` with CUDA reported present or absent, ``training_loop`` watched.

The loader's batches are :class:`Batch` tensors, which record every ``.to()`` asked of them,
so the grader sees on any machine whether (and where) each batch was moved. The grader
imports :class:`Net` too, to train the reference the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.dataloader import default_collate

from grader.shared.data.images import two_class_images
from grader.shared.exercises.device import Net
from grader.worker.context import ProbeContext
from grader.worker.probes import probe

#: Where the batches of the running probe were asked to go, in order ("cpu", "cuda", ...).
MOVES: list[str] = []


def _target(args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.device | None:
    for candidate in (*args, kwargs.get("device")):
        if isinstance(candidate, (str, torch.device)):
            return torch.device(candidate)
        if isinstance(candidate, torch.Tensor):
            return candidate.device
    return None


class Batch(torch.Tensor):
    """A tensor the loader yields; ``.to()`` and ``.cuda()`` record the device asked for.

    A move to a device of another type than the loop was given is recorded but not made,
    so a loop that ignores its ``device`` argument still runs to the end.
    """

    allowed = "cpu"

    def to(self, *args: Any, **kwargs: Any) -> torch.Tensor:  # type: ignore[override]
        target = _target(args, kwargs)
        plain = self.as_subclass(torch.Tensor)
        if target is None:
            return plain.to(*args, **kwargs)
        MOVES.append(str(target))
        return plain.to(*args, **kwargs) if target.type == Batch.allowed else plain

    def cuda(self, *args: Any, **kwargs: Any) -> torch.Tensor:  # type: ignore[override]
        MOVES.append("cuda")
        plain = self.as_subclass(torch.Tensor)
        return plain.cuda(*args, **kwargs) if Batch.allowed == "cuda" else plain


def _as_batches(items: list[Any]) -> tuple[torch.Tensor, ...]:
    return tuple(t.as_subclass(Batch) for t in default_collate(items))


class RecordingNet(Net):
    """:class:`Net` noting, for every call, whether its input was moved and where it lives."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[dict[str, Any]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.records.append({"moved": type(x) is not Batch, "device": str(x.device)})
        return super().forward(x.as_subclass(torch.Tensor))


class RecordingLoss(nn.Module):
    """Cross-entropy noting, for every call, whether the labels were moved and where they live."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[dict[str, Any]] = []

    def forward(self, outputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        self.records.append({"moved": type(labels) is not Batch, "device": str(labels.device)})
        return F.cross_entropy(outputs.as_subclass(torch.Tensor), labels.as_subclass(torch.Tensor))


@contextmanager
def _cuda_reported(available: bool, ctx: ProbeContext) -> Iterator[None]:
    """Make ``torch.cuda.is_available()`` (and ``device_count()``) answer as on a machine with or without a GPU."""
    replacements = {"is_available": lambda: available, "device_count": lambda: int(available)}
    restore = []
    for name, fake in replacements.items():
        original = getattr(torch.cuda, name)
        restore.append((torch.cuda, name, original))
        setattr(torch.cuda, name, fake)
        module = ctx.module("device")
        for key, value in list(vars(module).items()):
            if value is original:
                restore.append((module, key, original))
                setattr(module, key, fake)
    try:
        yield
    finally:
        for owner, name, original in reversed(restore):
            setattr(owner, name, original)


@probe
def pick(ctx: ProbeContext, cuda_available: bool) -> dict[str, Any]:
    """The student's ``pick_device()`` while CUDA is reported available or not."""
    with _cuda_reported(cuda_available, ctx):
        device = ctx.obj("device", "pick_device")()
    if isinstance(device, torch.device):
        return {"type": "torch.device", "device_type": device.type, "index": device.index, "text": str(device)}
    return {"type": type(device).__name__, "text": str(device)[:100]}


@probe
def train(ctx: ProbeContext, state: dict[str, torch.Tensor], data_seed: int, images: int, batch_size: int,
          n_epochs: int, lr: float, momentum: float, device: str, cuda_reported: bool | None = None,
          device_object: bool = False) -> dict[str, Any]:
    """The student's ``training_loop`` on :class:`Net` loaded with ``state``, on ``device``.

    The batches start on the CPU as :class:`Batch` tensors. With ``cuda_reported`` set,
    ``torch.cuda.is_available()`` answers that way during the loop. With ``device_object``
    the loop is given ``torch.device(device)`` rather than the string.
    """
    if device.startswith("cuda"):  # full float32 convolutions, so CUDA results compare with the CPU's
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.deterministic = True
    model = RecordingNet().to(device)
    model.load_state_dict(state)
    loss_fn = RecordingLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    x, y = two_class_images(images, data_seed)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=False, collate_fn=_as_batches)
    MOVES.clear()
    Batch.allowed = torch.device(device).type
    training_loop = ctx.obj("device", "training_loop")
    given: str | torch.device = torch.device(device) if device_object else device
    if cuda_reported is None:
        losses = training_loop(n_epochs, optimizer, model, loss_fn, loader, given)
    else:
        with _cuda_reported(cuda_reported, ctx):
            losses = training_loop(n_epochs, optimizer, model, loss_fn, loader, given)
    return {"losses": losses, "state": {k: v.detach() for k, v in model.state_dict().items()},
            "moves": list(MOVES), "inputs": model.records, "labels": loss_fn.records}
