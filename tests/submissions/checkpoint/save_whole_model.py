"""Mistake: torch.save(model, path) pickles the whole model object, and load() unpickles it with weights_only=False.

Fails: save_writes_the_state_dict (failed): pickles the model object itself
"""
import torch


def save(model, path):
    torch.save(model, path)


def load(model_cls, path, **kwargs):
    return torch.load(path, weights_only=False)
