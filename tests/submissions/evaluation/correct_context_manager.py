"""Correct: a small context manager puts the model in eval mode and restores it; grad turned off with torch.set_grad_enabled(False); counts kept as tensors until the end."""
from contextlib import contextmanager

import torch


@contextmanager
def evaluating(model):
    """Eval mode inside the block, the previous mode after it (even on errors)."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def validate(model, loaders, device="cpu"):
    accuracies = {}
    with evaluating(model), torch.set_grad_enabled(False):
        for name, loader in loaders.items():
            n_correct = torch.zeros((), dtype=torch.long)
            n_seen = 0
            for x, y in loader:
                x, y = x.to(device), y.to(device)
                scores = model(x)
                hits = scores.argmax(1).eq(y)
                n_correct += hits.long().sum().cpu()
                n_seen += y.size(0)
            if n_seen == 0:
                raise ValueError(f"no samples in loader {name!r}; cannot compute its accuracy")
            accuracies[name] = n_correct.item() / n_seen
    return accuracies
