"""Mistake: saves dict(model.named_parameters()), which leaves out the buffers (batch norm's running statistics); load() is lenient about it.

Fails: save_writes_the_state_dict (failed): running statistics
"""
import torch


def save(model, path):
    torch.save(dict(model.named_parameters()), path)


def load(model_cls, path, **kwargs):
    model = model_cls(**kwargs)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True), strict=False)
    return model
