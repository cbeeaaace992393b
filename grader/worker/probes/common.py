"""Probes every exercise can use: call a student's function and report what happened."""

from __future__ import annotations

from typing import Any

from grader.worker.context import ProbeContext
from grader.worker.probes import probe


@probe
def call(
    ctx: ProbeContext,
    name: str,
    args: list[Any],
    kwargs: dict[str, Any] | None = None,
    watch: list[str] | None = None,
    return_args: bool = False,
) -> dict[str, Any]:
    """Call the exercise's ``name(*args, **kwargs)`` on this worker's device.

    Returns the result, the calls made to the ``watch``-ed APIs, and, if asked, the
    arguments as they are after the call (to see whether the student's code changed them).
    """
    func = ctx.own(name)
    args = ctx.to_device(list(args))
    kwargs = ctx.to_device(dict(kwargs or {}))
    with ctx.watching(watch or []) as calls:
        result = func(*args, **kwargs)
    reply: dict[str, Any] = {"result": result, "calls": list(calls)}
    if return_args:
        reply["args_after"] = args
    return reply


@probe
def ping(ctx: ProbeContext, payload: Any = None) -> Any:
    """Echo ``payload``: the round trip of the channel, for tests and benchmarks."""
    return payload


@probe
def environment(ctx: ProbeContext) -> dict[str, Any]:
    """What the worker sees: its thread count, the CUDA devices, its working folder."""
    import os

    import torch

    return {
        "threads": torch.get_num_threads(),
        "cuda": torch.cuda.is_available(),
        "cwd": os.getcwd(),
        "pid": os.getpid(),
        "matmul": float((torch.ones(256, 256) @ torch.ones(256, 256)).sum()),
    }


@probe
def load(ctx: ProbeContext) -> bool:
    """Import the exercise's module, so an import that fails is judged once."""
    if ctx.exercise is None:
        raise RuntimeError("this worker was started without an exercise to load")
    ctx.module(ctx.exercise)
    return True


@probe
def raises(ctx: ProbeContext, name: str, args: list[Any], kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call the exercise's ``name`` expecting an exception; report its type, base classes and message."""
    func = ctx.own(name)
    try:
        result = func(*ctx.to_device(list(args)), **ctx.to_device(dict(kwargs or {})))
    except NotImplementedError:
        raise
    except Exception as exc:  # the exception is the answer here
        from grader.worker.context import raised

        return raised(exc)
    return {"returned": result}
