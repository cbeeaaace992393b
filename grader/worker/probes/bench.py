"""Probes that time a student's object on fresh inputs: prepare (untimed), run (timed), digest.

Each benchmarked object is a :class:`Subject`: how to make its inputs from a seed, how to
call it once, and a small digest of its output that the grader checks against what the
reference gives on the same inputs. The grader imports this module too, to make the same
inputs and to compute the expected digests with the reference.

The clock runs from the call to the digest, whose positions the grader sends only then:
a result must be a plain ``torch.Tensor`` whose values are there when it is digested, so
work deferred to a lazy object, a tensor subclass or a thread is charged or refused.
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
from torch.utils._python_dispatch import _disable_current_modes

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
    #: The output's digest at the given positions (taken modulo its size), drawn by the grader.
    digest: Callable[[Any, torch.Tensor], torch.Tensor]
    #: (rtol, atol) for comparing digests: exact where the output is exact.
    tolerance: tuple[float, float] = (0.0, 0.0)


#: Captured when the worker imports this module, before any student code can replace them.
_Generator, _randint, _randn = torch.Generator, torch.randint, torch.randn


def labels(seed: int, n: int, num_classes: int, device: str = "cpu") -> torch.Tensor:
    """Integer labels in [0, num_classes) from ``seed``, the same in the worker and the grader."""
    generator = _Generator().manual_seed(seed)
    return _randint(num_classes, (n,), generator=generator).to(device)


DIGEST_POSITIONS = 1024


def _values_at(out: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    flat = out.detach().reshape(-1)
    return flat[positions.to(flat.device) % flat.numel()].to(torch.float64).cpu()


def _one_hot_digest(encoded: Any, positions: torch.Tensor) -> torch.Tensor:
    """The values at the grader's positions: cheap, yet only right if every value was computed."""
    if not isinstance(encoded, torch.Tensor) or encoded.dim() != 2 or encoded.dtype != torch.float32 \
            or encoded.numel() == 0:
        return torch.full((len(positions),), float("nan"), dtype=torch.float64)
    return _values_at(encoded, positions)


def _module_setup(cls: str, kwargs: dict[str, int]) -> Callable[[ModuleType, str], Any]:
    def setup(module: ModuleType, device: str) -> nn.Module:
        torch.manual_seed(0)
        model = getattr(module, cls)(**kwargs)
        _same_weights(model)
        return model.to(device).train()

    return setup


def _same_weights(model: nn.Module) -> None:
    """Give every floating tensor of ``model`` values drawn by name from one fixed generator.

    The student's module and the reference's then hold the same weights whatever order their
    constructors drew their initial values in (the checks of the layers' names and of the
    initialisation come first), so their outputs can be compared.
    """
    generator = _Generator().manual_seed(0)
    with torch.no_grad():
        for _, tensor in sorted(model.state_dict().items()):
            if tensor.is_floating_point():
                tensor.copy_(_randn(tensor.shape, generator=generator) * 0.1)


def _forward_backward(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    model.zero_grad(set_to_none=True)
    out = model(x)
    out.square().mean().backward()
    return out


def _module_digest(out: Any, positions: torch.Tensor) -> torch.Tensor:
    """The output's sum and its values at the grader's positions."""
    if not isinstance(out, torch.Tensor) or out.numel() == 0:
        return torch.full((len(positions) + 1,), float("nan"), dtype=torch.float64)
    return torch.cat([out.detach().sum().to(torch.float64).cpu().reshape(1), _values_at(out, positions)])


def _images(shape: tuple[int, ...]) -> Callable[[int, str], torch.Tensor]:
    def make(seed: int, device: str) -> torch.Tensor:
        return _randn(shape, generator=_Generator().manual_seed(seed)).to(device)

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
    with torch._C.DisableTorchFunction(), _disable_current_modes():  # the student's overrides make no inputs
        ctx.prepared["inputs"] = [chosen.make_inputs(seed, ctx.device) for seed in seeds]
    return True


@probe
def run(ctx: ProbeContext) -> bool:
    """The timed call: the subject on each prepared input; the outputs wait for their digest."""
    chosen, target = SUBJECTS[ctx.prepared["subject"]], ctx.prepared["target"]
    ctx.prepared["outputs"] = [chosen.call(target, x) for x in ctx.prepared.pop("inputs")]
    return True


@probe
def digest(ctx: ProbeContext, positions: torch.Tensor) -> list[torch.Tensor | str]:
    """Still timed: each output's digest at ``positions``, or what it is if it is not a plain tensor."""
    chosen = SUBJECTS[ctx.prepared["subject"]]
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
