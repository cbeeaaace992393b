"""Exercise ``evaluation``: the accuracy of a trained classifier, the notes' ``validate``.

From the course notes 002, "accuracy" (counting correct predictions under
``torch.no_grad()``) and "GPU" (moving each batch to the device, returning a dict).

Check your work with ``grader check evaluation``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import torch
from torch import Tensor, nn


def validate(
    model: nn.Module,
    loaders: Mapping[str, Iterable[tuple[Tensor, Tensor]]],
    device: str | torch.device = "cpu",
) -> dict[str, float]:
    """The accuracy of ``model`` on each named loader.

    In:  ``model`` maps images [B, ...] to scores [B, n_classes]; ``loaders`` maps a name
         (e.g. "train", "val") to something that yields (imgs, labels) batches, labels an
         integer tensor [B]; ``device`` is where each batch must be moved (imgs AND labels).
    Out: {name: accuracy} for every loader, accuracy a Python float in [0, 1]:
         correct / total, counted over all the loader's samples. The prediction for a
         sample is the index of its largest score (argmax over dim 1).

    While evaluating: the model is in eval mode (dropout off, batch norm on its running
    statistics) and no autograd graph is built (``torch.no_grad()``). Afterwards the
    model is back in the mode it was in before (train or eval), even if an error occurred
    half way (``try`` / ``finally``).

    Errors: a loader that yields no samples -> ValueError naming that loader.

    Example (notes 002): with batches of 64, 2000 "val" samples of which 1780 are
    predicted right -> {"train": ..., "val": 0.89}. With batches of sizes 4, 4 and 2 and
    3, 4 and 1 right: 8 / 10 = 0.8 (not the mean of 0.75, 1.0 and 0.5).

    Pitfalls: averaging per-batch accuracies (the last batch is smaller); count samples,
    not batches; argmax over dim 0 (that is over the batch); a percentage instead of a
    fraction; forgetting ``model.eval()`` or ``torch.no_grad()``; leaving the model in
    eval mode (restore the model's mode); a labels tensor left on the CPU.
    """
    raise NotImplementedError("validate: not implemented yet")
