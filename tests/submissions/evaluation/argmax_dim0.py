"""Mistake: takes the max over dim 0 (the batch axis) instead of dim 1 (the classes).

Fails: accuracy_is_counted_over_samples (error): argmax over dim 0
"""
import torch


def validate(model, loaders, device="cpu"):
    accdict = {}
    was_training = model.training
    model.eval()
    try:
        for name, loader in loaders.items():
            correct = 0
            total = 0
            with torch.no_grad():
                for imgs, labels in loader:
                    imgs = imgs.to(device=device)
                    labels = labels.to(device=device)
                    outputs = model(imgs)
                    _, predicted = torch.max(outputs, dim=0)
                    total += labels.shape[0]
                    correct += int((predicted == labels).sum())
            if total == 0:
                raise ValueError(f"loader '{name}' has no samples")
            accdict[name] = correct / total
    finally:
        model.train(was_training)
    return accdict
