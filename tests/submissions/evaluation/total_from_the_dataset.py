"""Mistake: the number of samples is taken from loader.dataset, so a loader that is just an iterable of batches (all the stub promises) breaks.

Fails: accuracy_is_counted_over_samples (error): yields (imgs, labels) batches
"""
import torch


def _accuracy(model, name, loader, device):
    correct = torch.zeros((), dtype=torch.long, device=device)
    total = 0
    total = len(loader.dataset)
    for imgs, labels in loader:
        imgs, labels = imgs.to(device), labels.to(device)
        correct += (model(imgs).argmax(dim=1) == labels).sum()
    if total == 0:
        raise ValueError(f"loader {name!r} yielded no samples, so it has no accuracy")
    return int(correct) / total


def validate(model, loaders, device="cpu"):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return {name: _accuracy(model, name, loader, device) for name, loader in loaders.items()}
    finally:
        model.train(was_training)
