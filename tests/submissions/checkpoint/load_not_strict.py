"""Mistake: load_state_dict(..., strict=False), so layers missing from the file silently stay random.

Fails: load_refuses_a_checkpoint_that_does_not_fit (failed): strict
"""
import torch


def save(model, path):
    torch.save(model.state_dict(), path)


def load(model_cls, path, **kwargs):
    model = model_cls(**kwargs)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True), strict=False)
    return model
