"""Reference for ``checkpoint``: saving a model's ``state_dict`` and building a model back from it."""

from __future__ import annotations

import os
from typing import Any, TypeVar

import torch
from torch import nn

M = TypeVar("M", bound=nn.Module)


def save(model: nn.Module, path: str | os.PathLike[str]) -> None:
    """Write ``model.state_dict()`` (parameters and buffers, nothing else) to ``path``."""
    torch.save(model.state_dict(), path)


def load(model_cls: type[M], path: str | os.PathLike[str], **kwargs: Any) -> M:
    """A new ``model_cls(**kwargs)`` on the CPU holding the state saved at ``path``.

    The file is read with ``weights_only=True`` (it cannot run code) and mapped to the CPU,
    so a checkpoint written on a GPU loads on a machine without one. Keys must match.
    """
    model = model_cls(**kwargs)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model
