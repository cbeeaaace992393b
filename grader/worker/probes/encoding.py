"""Probes of ``encoding`` that a generic call cannot do: one-hot of a million labels, timed."""

from __future__ import annotations

from typing import Any

import torch

from grader.worker.context import ProbeContext
from grader.worker.probes import probe


def labels(seed: int, n: int, num_classes: int, device: str = "cpu") -> torch.Tensor:
    """The labels both sides derive from ``seed``: the grader to verify, the worker to compute."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(num_classes, (n,), generator=generator).to(device)


def digest(encoded: Any) -> dict[str, Any]:
    """What the grader verifies of a large one-hot: shape, dtype, row and column sums, where the ones are."""
    if not isinstance(encoded, torch.Tensor) or encoded.dim() != 2:
        return {"returned": encoded if not isinstance(encoded, torch.Tensor) else list(encoded.shape)}
    weights = torch.arange(encoded.shape[0], device=encoded.device) % 1009
    rows = encoded.sum(1)
    return {
        "shape": list(encoded.shape),
        "dtype": str(encoded.dtype),
        "column_sums": encoded.sum(0).to(torch.int64),
        "rows_min_max": [float(rows.min()), float(rows.max())] if len(rows) else [],
        "checksum": int((encoded.argmax(1) * weights).sum()),
    }


def expected_digest(target: torch.Tensor, num_classes: int) -> dict[str, Any]:
    """:func:`digest` of a correct one-hot of ``target``, computed from the labels alone."""
    weights = torch.arange(len(target)) % 1009
    return {
        "shape": [len(target), num_classes],
        "dtype": str(torch.float32),
        "column_sums": torch.bincount(target, minlength=num_classes),
        "rows_min_max": [1.0, 1.0],
        "checksum": int((target * weights).sum()),
    }


@probe
def prepare_labels(ctx: ProbeContext, seed: int, n: int, num_classes: int) -> bool:
    """Make the labels of the next timed call, outside the timed call."""
    ctx.prepared["labels"] = (labels(seed, n, num_classes, ctx.device), num_classes)
    return True


@probe
def one_hot_prepared(ctx: ProbeContext) -> bool:
    """One-hot of the prepared labels, kept for :func:`prepared_digest`: this is the timed call."""
    target, num_classes = ctx.prepared.pop("labels")
    ctx.prepared["encoded"] = ctx.obj("encoding", "one_hot")(target, num_classes)
    if ctx.device.startswith("cuda"):
        torch.cuda.synchronize()
    return True


@probe
def prepared_digest(ctx: ProbeContext) -> dict[str, Any]:
    """The digest of the last timed one-hot, not the (large) result itself."""
    return digest(ctx.prepared.pop("encoded"))
