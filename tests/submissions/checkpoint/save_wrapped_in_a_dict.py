"""Mistake: saves {'model_state_dict': ..., 'epoch': 0}, a training checkpoint, instead of the state_dict itself.

Fails: save_writes_the_state_dict (failed): expected the model's state_dict itself
"""
import torch


def save(model, path):
    torch.save({'model_state_dict': model.state_dict(), 'epoch': 0}, path)


def load(model_cls, path, **kwargs):
    model = model_cls(**kwargs)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True)["model_state_dict"])
    return model
