"""Exercise ``checkpoint``: saving a trained model and loading it back, through its ``state_dict``.

From the course notes 002, "saving and loading model parameters"::

    torch.save(model.state_dict(), data_path + 'birds_vs_airplanes.pt')
    loaded_model = Net()
    loaded_model.load_state_dict(torch.load(data_path + 'birds_vs_airplanes.pt'))

A ``state_dict`` is an ordered dict from names ("conv1.weight", "norm.running_mean", ...) to
tensors: every parameter AND every buffer (batch norm's running statistics), nothing else.
Saving it, rather than the model object, keeps the file free of code: it loads with
``torch.load(path, weights_only=True)``, which refuses to run anything hidden in a file, and it
survives changes to the class's code.

Check your work with ``grader check checkpoint``.
"""

from __future__ import annotations

import os
from typing import Any

from torch import nn


def save(model: nn.Module, path: str | os.PathLike[str]) -> None:
    """Write the model's ``state_dict`` to ``path``.

    In:  any ``nn.Module`` (on the CPU or a GPU); ``path`` a ``str`` or ``pathlib.Path``.
    Out: None. The file at exactly ``path`` (no extension added) holds ``model.state_dict()``
         itself: loading it with ``torch.load(path, weights_only=True)`` gives a dict whose
         keys and tensors are exactly the model's state_dict.

    The model is left as it was: same values, same device, same train/eval mode.

    Example (notes 002): save(model, "birds_vs_airplanes.pt").

    Pitfalls: ``torch.save(model, path)`` pickles the whole object (its class, its code
    references): such a file loads only with ``weights_only=False``, which can run arbitrary
    code; ``dict(model.named_parameters())`` or ``model.parameters()`` leave out the buffers
    (batch norm's running statistics); wrapping the state in another dict ({"model": ...}).
    """
    raise NotImplementedError("save: not implemented yet")


def load(model_cls: type[nn.Module], path: str | os.PathLike[str], **kwargs: Any) -> nn.Module:
    """Build ``model_cls(**kwargs)`` and load the state saved at ``path`` into it.

    In:  ``model_cls`` the model's class (e.g. ``Net``); ``path`` a file written by ``save``;
         ``kwargs`` the constructor's arguments (e.g. ``n_chans1=16``), all passed on.
    Out: the new model, on the CPU, holding exactly the saved values (parameters and
         buffers), its parameters trainable as usual.

    Read the file with ``torch.load(path, map_location="cpu", weights_only=True)``:
    ``weights_only=True`` refuses files that would run code when loaded, and
    ``map_location="cpu"`` lets a checkpoint written on a GPU load on a machine without one.
    Keep ``load_state_dict`` strict (its default): a file whose keys do not match the model
    must raise, not leave some layers at their random initial values.

    Example (notes 002): load(Net, "birds_vs_airplanes.pt") -> a Net with the trained weights;
    load(NetWidth, "width.pt", n_chans1=16) -> NetWidth(n_chans1=16) with its saved weights.

    Pitfalls: ``return model.load_state_dict(...)`` returns a report of missing and unexpected
    keys, not the model; ``model_cls()`` without ``**kwargs``; ``strict=False``;
    ``weights_only=False``.
    """
    raise NotImplementedError("load: not implemented yet")
