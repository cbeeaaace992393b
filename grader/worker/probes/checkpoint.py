"""Probes of ``checkpoint``: the student's ``save`` and ``load`` on a trusted model, and what the file holds.

The file the student's ``save`` writes is only ever read here, in the worker, and only with
``torch.load(..., weights_only=True)`` or as pickle opcodes (never unpickled), so the grader
receives plain tensors. The grader imports :class:`CheckpointNet` too, to make its states.
"""

from __future__ import annotations

import pickletools
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import torch
import torch.serialization
from torch import nn

from grader.shared.exercises.checkpoint import CheckpointNet
from grader.worker.context import ProbeContext, text_of
from grader.worker.probes import probe


def _pickled_globals(path: Path, limit: int = 40) -> list[str]:
    """The classes and functions a pickle file names, read as opcodes without unpickling it."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                member = next(n for n in archive.namelist() if n.endswith("data.pkl"))
                data = archive.read(member)
        else:
            data = path.read_bytes()
        found: list[str] = []
        strings: list[str] = []
        for opcode, arg, _ in pickletools.genops(data):
            if opcode.name in ("GLOBAL", "INST"):
                found.append(str(arg).replace(" ", "."))
            elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
                found.append(f"{strings[-2]}.{strings[-1]}")
            elif isinstance(arg, str):
                strings.append(arg)
        return sorted(set(found))[:limit]
    except Exception:  # a file that is not a pickle names nothing
        return []


def _file_content(path: Path) -> dict[str, Any]:
    """What ``torch.load(path, weights_only=True)`` gives, as plain data, or why it fails."""
    if not path.is_file():
        return {"kind": "missing", "files": sorted(p.name for p in path.parent.iterdir())}
    try:
        content = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # the student's file is the thing examined
        return {"kind": "unloadable", "error": text_of(exc, 600), "globals": _pickled_globals(path)}
    if isinstance(content, dict) and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in content.items()):
        return {"kind": "tensors", "state": dict(content)}
    keys = sorted(str(k) for k in content)[:20] if isinstance(content, dict) else None
    return {"kind": type(content).__name__, "keys": keys}


def _describe_model(model: Any) -> dict[str, Any]:
    if not isinstance(model, nn.Module):
        return {"type": type(model).__name__, "is_module": False}
    return {"type": type(model).__name__, "is_module": True, "state": dict(model.state_dict()),
            "training": model.training, "devices": sorted({str(t.device) for t in model.state_dict().values()}),
            "requires_grad": all(p.requires_grad for p in model.parameters())}


def _loaded(ctx: ProbeContext, path: Path | str, kwargs: dict[str, Any], seed: int) -> dict[str, Any]:
    """The student's ``load(CheckpointNet, path, **kwargs)``, and a fresh model built from the same seed."""
    torch.manual_seed(seed)
    with ctx.watching(["torch.load"]) as calls:
        model = ctx.obj("checkpoint", "load")(CheckpointNet, path, **kwargs)
    torch.manual_seed(seed)
    return {"loaded": _describe_model(model), "fresh": dict(CheckpointNet(**kwargs).state_dict()),
            "calls": list(calls)}


@probe
def round_trip(ctx: ProbeContext, width: int, state: dict[str, torch.Tensor], training: bool, pathlib: bool,
               load: bool, seed: int = 0, device: str | None = None) -> dict[str, Any]:
    """The student's ``save`` of a CheckpointNet(width) holding ``state``, then (if ``load``) its ``load``.

    Returns what the file holds, the model as ``save`` left it, and the loaded model.
    """
    model = CheckpointNet(width).to(device or ctx.device)
    model.load_state_dict(state)
    model.train(training)
    with tempfile.TemporaryDirectory(prefix="checkpoint-") as folder:
        path = Path(folder) / "model.pt"
        ctx.obj("checkpoint", "save")(model, path if pathlib else str(path))
        reply = {"file": _file_content(path), "after_save": _describe_model(model)}
        if load and path.is_file():
            reply.update(_loaded(ctx, path if pathlib else str(path), {"width": width}, seed))
    return reply


@contextmanager
def _as_if_written_on_a_gpu() -> Iterator[None]:
    """Make ``torch.save`` record every storage as living on ``cuda:0``, as a GPU run's checkpoint does."""
    original = torch.serialization.location_tag
    torch.serialization.location_tag = lambda storage: "cuda:0"
    try:
        yield
    finally:
        torch.serialization.location_tag = original


@contextmanager
def _without_cuda() -> Iterator[None]:
    """Make this process see no CUDA device, as on a CPU-only machine."""
    original = torch.cuda.is_available
    torch.cuda.is_available = lambda: False
    try:
        yield
    finally:
        torch.cuda.is_available = original


@probe
def load_file(ctx: ProbeContext, state: dict[str, torch.Tensor], width: int, head: bool, written_on_gpu: bool,
              seed: int = 0) -> dict[str, Any]:
    """The student's ``load(CheckpointNet, path, width=width, head=head)`` of a file the probe writes itself.

    With ``written_on_gpu`` the file says its tensors were on ``cuda:0`` and the student's
    ``load`` runs as on a machine without CUDA. Exceptions are reported, not raised.
    """
    with tempfile.TemporaryDirectory(prefix="checkpoint-") as folder:
        path = Path(folder) / "trusted.pt"
        if written_on_gpu:
            with _as_if_written_on_a_gpu():
                torch.save(state, path)
        else:
            torch.save(state, path)
        try:
            with _without_cuda() if written_on_gpu else nullcontext():
                return _loaded(ctx, str(path), {"width": width, "head": head}, seed)
        except NotImplementedError:
            raise
        except Exception as exc:  # the exception is the answer here
            return {"raised": type(exc).__name__, "message": text_of(exc, 600)}
