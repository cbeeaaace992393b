"""Mistake: torch.load(..., weights_only=False), which lets a checkpoint file run code.

Fails: load_reads_with_weights_only (forbidden): weights_only=False
"""
import torch


def save(model, path):
    torch.save(model.state_dict(), path)


def load(model_cls, path, **kwargs):
    model = model_cls(**kwargs)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=False))
    return model
