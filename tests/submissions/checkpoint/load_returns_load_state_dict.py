"""Mistake: returns what model.load_state_dict() returns (the _IncompatibleKeys report), not the model.

Fails: round_trip_is_exact (failed): a report of missing and unexpected keys
"""
import torch


def save(model, path):
    torch.save(model.state_dict(), path)


def load(model_cls, path, **kwargs):
    model = model_cls(**kwargs)
    return model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
