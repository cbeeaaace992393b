"""Probes that time a student's object on fresh inputs: prepare (untimed), run (timed), digest.

Each benchmarked object is a :class:`~grader.shared.speed.Subject`: how to make its inputs
from a seed, how to call it once, and a small digest of its output that the grader checks
against what the reference gives on the same inputs (the grader reads the same subjects
from ``grader.shared``).

The clock runs from the call to the digest, whose positions the grader sends only then:
a result must be a plain ``torch.Tensor`` whose values are there when it is digested, so
work deferred to a lazy object, a tensor subclass or a thread is charged or refused.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

import torch
from torch.utils._python_dispatch import _disable_current_modes

from grader.shared.speed import Subject, subjects
from grader.worker.context import ProbeContext
from grader.worker.probes import probe

_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4


def _steady_allocator() -> None:
    """Keep freed memory in the heap for reuse, as a long-running training process does.

    By default glibc maps each large tensor afresh and unmaps it when freed, so every call
    pays a page fault per 4 KiB of output: on a 10^6 x 10 one-hot that is most of the time,
    and it varies from process to process with the kernel's memory state. Both workers do
    this before timing, so the figures compare the work itself.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl): its allocator is left as it is
        return
    libc.mallopt(_M_MMAP_MAX, 0)
    libc.mallopt(_M_TRIM_THRESHOLD, 2**30)


@probe
def prepare(ctx: ProbeContext, subject: str, seeds: list[int]) -> bool:
    """Build the subject (once) and one fresh input per seed, outside the timed call."""
    chosen = subjects()[subject]
    if ctx.prepared.get("subject") != subject:
        _steady_allocator()
        ctx.prepared["target"] = chosen.setup(ctx.module(chosen.exercise), ctx.device)
        ctx.prepared["subject"] = subject
    with torch._C.DisableTorchFunction(), _disable_current_modes():  # the student's overrides make no inputs
        ctx.prepared["inputs"] = [chosen.make_inputs(seed, ctx.device) for seed in seeds]
    return True


@probe
def run(ctx: ProbeContext) -> bool:
    """The timed call: the subject on each prepared input; the outputs wait for their digest."""
    chosen, target = subjects()[ctx.prepared["subject"]], ctx.prepared["target"]
    ctx.prepared["outputs"] = [chosen.call(target, x) for x in ctx.prepared.pop("inputs")]
    return True


@probe
def digest(ctx: ProbeContext, positions: torch.Tensor) -> list[torch.Tensor | str]:
    """Still timed: each output's digest at ``positions``, or what it is if it is not a plain tensor."""
    chosen = subjects()[ctx.prepared["subject"]]
    return [_plain_digest(chosen, out, positions, ctx.device) for out in ctx.prepared.pop("outputs")]


def _plain_digest(chosen: Subject, out: Any, positions: torch.Tensor, device: str) -> torch.Tensor | str:
    """The digest of a plain tensor's values (moving it to the CPU synchronises the device), or what was wrong."""
    if type(out) is not torch.Tensor:
        if isinstance(out, torch.Tensor):
            cls = type(out)
            return f"a {cls.__module__}.{cls.__qualname__}, a subclass of torch.Tensor"[:200]
        return f"an object of type {type(out).__qualname__}"[:200]
    with torch._C.DisableTorchFunction(), _disable_current_modes():
        where = torch._C.TensorBase.device.__get__(out)
        if where.type != torch.device(device).type:
            return f"a tensor on {where} where its inputs were on {device}"
        return chosen.digest(out, positions)
