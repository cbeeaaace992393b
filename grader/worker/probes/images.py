"""Probes of ``images``: hand ``to_chw_batch`` NumPy arrays, as ``imageio.imread`` returns them."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from grader.worker.context import ProbeContext, raised
from grader.worker.probes import probe


@probe
def to_chw_batch(ctx: ProbeContext, images: list[torch.Tensor], as_numpy: bool = True,
                 catch: bool = False) -> dict[str, Any]:
    """Call the student's ``to_chw_batch`` on ``images`` (NumPy copies, or tensors on the device).

    Returns the result and whether every image is as it was afterwards; with ``catch``, an
    exception the student's code raises is returned (type, base classes, message) instead.
    """
    given = [image.numpy().copy() if as_numpy else image.to(ctx.device) for image in images]
    originals = [torch.as_tensor(image).cpu().clone() for image in given]
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
    reply["unchanged"] = all(
        isinstance(now, (np.ndarray, torch.Tensor)) and torch.equal(torch.as_tensor(now).cpu(), before)
        for now, before in zip(given, originals)
    )
    return reply
