"""Mistake: builds model_cls() without the keyword arguments, so the shapes do not fit the file.

Fails: round_trip_is_exact (error): must build model_cls(**kwargs)
"""
import torch


def save(model, path):
    torch.save(model.state_dict(), path)


def load(model_cls, path, **kwargs):
    model = model_cls()
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model
