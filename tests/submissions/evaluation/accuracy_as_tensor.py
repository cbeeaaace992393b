"""Mistake: each accuracy is a 0-dim tensor (correct / total with correct a tensor), where the stub promises a Python float.

Fails: accuracy_is_counted_over_samples (failed): Python float
"""
import torch


def _accuracy(model, name, loader, device):
    correct = torch.zeros((), dtype=torch.long, device=device)
    total = 0
    for imgs, labels in loader:
        imgs, labels = imgs.to(device), labels.to(device)
        correct += (model(imgs).argmax(dim=1) == labels).sum()
        total += len(labels)
    if total == 0:
        raise ValueError(f"loader {name!r} yielded no samples, so it has no accuracy")
    return correct / total


def validate(model, loaders, device="cpu"):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return {name: _accuracy(model, name, loader, device) for name, loader in loaders.items()}
    finally:
        model.train(was_training)
