"""Mistake: updates the dict model.state_dict() returns (a new dict each call), which loads nothing into the model.

Fails: round_trip_is_exact (failed): a freshly built model
"""
import torch


def save(model, path):
    torch.save(model.state_dict(), path)


def load(model_cls, path, **kwargs):
    model = model_cls(**kwargs)
    model.state_dict().update(torch.load(path, map_location="cpu", weights_only=True))
    return model
