"""Probes that time a student's object on fresh inputs: prepare (untimed), run (timed), digest.

Each benchmarked object is a :class:`Subject`: how to make its inputs from a seed, how to
call it once, and a small digest of its output that the grader checks against what the
reference gives on the same inputs. The grader imports this module too, to make the same
inputs and to compute the expected digests with the reference.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import torch
from torch import nn

from grader.worker.context import ProbeContext
from grader.worker.probes import probe


@dataclass(frozen=True)
class Subject:
    """A benchmarked object: ``setup`` builds what is reused (a model), ``call`` does one item batch."""

    exercise: str
    title: str
    #: Items one call processes (labels, images), for throughput in items per second.
    items: int
    make_inputs: Callable[[int, str], Any]
    setup: Callable[[ModuleType, str], Any]
    call: Callable[[Any, Any], Any]
    digest: Callable[[Any], torch.Tensor]
    #: (rtol, atol) for comparing digests: exact where the output is exact.
    tolerance: tuple[float, float] = (0.0, 0.0)


def labels(seed: int, n: int, num_classes: int, device: str = "cpu") -> torch.Tensor:
    """Integer labels in [0, num_classes) from ``seed``, the same in the worker and the grader."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(num_classes, (n,), generator=generator).to(device)


def _one_hot_digest(encoded: Any) -> torch.Tensor:
    if not isinstance(encoded, torch.Tensor) or encoded.dim() != 2:
        return torch.full((3,), float("nan"), dtype=torch.float64)
    weights = (torch.arange(encoded.shape[0], device=encoded.device) % 1009).to(torch.float64)
    return torch.stack([encoded.sum().to(torch.float64), (encoded.argmax(1) * weights).sum(),
                        torch.tensor(float(encoded.dtype == torch.float32), device=encoded.device,
                                     dtype=torch.float64)]).cpu()


def _module_setup(cls: str, kwargs: dict[str, int]) -> Callable[[ModuleType, str], Any]:
    def setup(module: ModuleType, device: str) -> nn.Module:
        torch.manual_seed(0)  # the same initial weights for the student's module and the reference's
        return getattr(module, cls)(**kwargs).to(device).train()

    return setup


def _forward_backward(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    model.zero_grad(set_to_none=True)
    out = model(x)
    out.square().mean().backward()
    return out


def _module_digest(out: Any) -> torch.Tensor:
    """The output's sum and 256 of its values at fixed pseudo-random positions."""
    if not isinstance(out, torch.Tensor) or out.numel() == 0:
        return torch.full((257,), float("nan"), dtype=torch.float64)
    flat = out.detach().flatten().to(torch.float64).cpu()
    positions = torch.randint(flat.numel(), (256,), generator=torch.Generator().manual_seed(flat.numel()))
    return torch.cat([flat.sum().reshape(1), flat[positions]])


def _images(shape: tuple[int, ...]) -> Callable[[int, str], torch.Tensor]:
    def make(seed: int, device: str) -> torch.Tensor:
        return torch.randn(shape, generator=torch.Generator().manual_seed(seed)).to(device)

    return make


SUBJECTS: dict[str, Subject] = {
    "encoding.one_hot": Subject(
        "encoding", "one_hot on 10^6 labels, 10 classes", 1_000_000,
        lambda seed, device: labels(seed, 1_000_000, 10, device),
        lambda module, device: module.one_hot,
        lambda one_hot, target: one_hot(target, 10),
        _one_hot_digest,
    ),
    "resnet.ResBlock": Subject(
        "resnet", "ResBlock(32) forward+backward, 64 images of 16x16", 64,
        _images((64, 32, 16, 16)), _module_setup("ResBlock", {"n_chans": 32}), _forward_backward, _module_digest,
        (1e-3, 1e-4),
    ),
    "resnet.NetResDeep": Subject(
        "resnet", "NetResDeep(16, 4) forward+backward, 32 images of 32x32", 32,
        _images((32, 3, 32, 32)), _module_setup("NetResDeep", {"n_chans1": 16, "n_blocks": 4}),
        _forward_backward, _module_digest, (1e-3, 1e-4),
    ),
}


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
    chosen = SUBJECTS[subject]
    if ctx.prepared.get("subject") != subject:
        _steady_allocator()
        ctx.prepared["target"] = chosen.setup(ctx.module(chosen.exercise), ctx.device)
        ctx.prepared["subject"] = subject
    ctx.prepared["inputs"] = [chosen.make_inputs(seed, ctx.device) for seed in seeds]
    return True


@probe
def run(ctx: ProbeContext) -> bool:
    """The timed call: the subject on each prepared input, the device synchronised at the end."""
    chosen, target = SUBJECTS[ctx.prepared["subject"]], ctx.prepared["target"]
    ctx.prepared["outputs"] = [chosen.call(target, x) for x in ctx.prepared.pop("inputs")]
    if ctx.device.startswith("cuda"):
        torch.cuda.synchronize()
    return True


@probe
def digest(ctx: ProbeContext) -> list[torch.Tensor]:
    """The digests of the last timed call's outputs, for the grader to verify."""
    chosen = SUBJECTS[ctx.prepared["subject"]]
    return [chosen.digest(out) for out in ctx.prepared.pop("outputs")]
