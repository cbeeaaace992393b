"""Correct: writes detached CPU copies through an open file object, reads back through a file object with a
map_location function, and loads strictly by name."""
import os
from collections import OrderedDict

import torch


def save(model, path):
    state = OrderedDict((name, tensor.detach().to("cpu", copy=True)) for name, tensor in model.state_dict().items())
    with open(os.fspath(path), "wb") as handle:
        torch.save(state, handle)


def load(model_cls, path, **kwargs):
    with open(os.fspath(path), "rb") as handle:
        state = torch.load(handle, map_location=lambda storage, location: storage, weights_only=True)
    model = model_cls(**kwargs)
    model.load_state_dict(state, strict=True)
    return model
