"""Correct: the notes' two lines, relying on torch.load's default weights_only=True, with map_location=torch.device('cpu')."""
import torch


def save(model, path):
    torch.save(model.state_dict(), path)


def load(model_cls, path, **kwargs):
    loaded_model = model_cls(**kwargs)
    loaded_model.load_state_dict(torch.load(path, map_location=torch.device('cpu')))
    return loaded_model
