"""Probes of ``metrics``: one metric object driven through a sequence of calls."""

from __future__ import annotations

from typing import Any

import torch

from grader.worker.context import ProbeContext
from grader.worker.probes import probe


def _holds_graph(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` (an attribute of the metric) keeps a tensor attached to an autograd graph."""
    if isinstance(value, torch.Tensor):
        return value.requires_grad
    if depth < 2 and isinstance(value, (list, tuple)):
        return any(_holds_graph(v, depth + 1) for v in value)
    if depth < 2 and isinstance(value, dict):
        return any(_holds_graph(v, depth + 1) for v in value.values())
    return False


@probe
def run(ctx: ProbeContext, cls: str, kwargs: dict[str, Any], steps: list[list[Any]],
        device: str | None = None) -> dict[str, Any]:
    """Build the student's ``cls(**kwargs)`` and apply ``steps`` in order.

    A step is ``["update", [args]]`` (tensors moved to ``device`` first), ``["update_with_graph",
    [values]]`` (the values made outputs of an autograd graph, as a loss is), ``["result"]`` or
    ``["reset"]``. Returns every result, the metric's ``name``, whether the metric keeps a
    graph alive, and the update arguments as they are afterwards.
    """
    device = device or ctx.device
    metric = ctx.obj("metrics", cls)(**kwargs)
    results: list[Any] = []
    updated: list[list[Any]] = []
    for op, *rest in steps:
        if op in ("update", "update_with_graph"):
            args = [a.to(device) if isinstance(a, torch.Tensor) else a for a in rest[0]]
            if op == "update_with_graph":
                args = [a.requires_grad_() * 1.0 for a in args]
            metric.update_state(*args)
            updated.append([a.detach() if isinstance(a, torch.Tensor) else a for a in args])
        elif op == "result":
            results.append(metric.result())
        elif op == "reset":
            metric.reset_state()
        else:
            raise ValueError(f"unknown step {op!r}")
    name = getattr(metric, "name", None)
    return {"results": results, "name": name if isinstance(name, str) or name is None else repr(name)[:100],
            "graph_kept": any(_holds_graph(v) for v in vars(metric).values()), "updated": updated}
