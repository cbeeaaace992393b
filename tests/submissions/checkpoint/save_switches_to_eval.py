"""Mistake: calls model.eval() before saving, which changes the caller's model.

Fails: save_leaves_the_model_as_it_was (failed): switched the model
"""
import torch


def save(model, path):
    model.eval()
    torch.save(model.state_dict(), path)


def load(model_cls, path, **kwargs):
    model = model_cls(**kwargs)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model
