"""Probes of ``images``: hand ``to_chw_batch`` NumPy arrays, as ``imageio.imread`` returns them."""

from __future__ import annotations

from typing import Any

import torch

from grader.worker.context import ProbeContext, raised
from grader.worker.probes import probe


@probe
def to_chw_batch(ctx: ProbeContext, images: list[torch.Tensor], as_numpy: bool = True,
                 catch: bool = False) -> dict[str, Any]:
    """Call the student's ``to_chw_batch`` on ``images`` (NumPy copies, or tensors on the device).

    Returns the result and the images as they are afterwards (the grader compares them with
    what it sent); with ``catch``, an exception the student's code raises is returned (type,
    base classes, message) instead.
    """
    given = [image.numpy().copy() if as_numpy else image.to(ctx.device) for image in images]
    func = ctx.obj("images", "to_chw_batch")
    reply: dict[str, Any] = {}
    try:
        reply["result"] = func(given)
    except NotImplementedError:
        raise
    except Exception as exc:
        if not catch:
            raise
        reply.update(raised(exc))
    reply["images_after"] = {f"image {index}": image for index, image in enumerate(given)}
    return reply
