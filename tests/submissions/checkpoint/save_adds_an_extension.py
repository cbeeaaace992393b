"""Mistake: appends '.pt' to the path it is given (and load() does the same), so no file is at `path`.

Fails: save_writes_the_state_dict (failed): wrote no file at the path
"""
import torch


def save(model, path):
    torch.save(model.state_dict(), str(path) + '.pt')


def load(model_cls, path, **kwargs):
    model = model_cls(**kwargs)
    model.load_state_dict(torch.load(str(path) + '.pt', map_location="cpu", weights_only=True))
    return model
