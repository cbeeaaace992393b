"""Mistake: an empty loader gives accuracy 0.0 (divides by max(total, 1)) instead of raising ValueError.

Fails: empty_loader_raises_value_error (failed): expected ValueError
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
                    _, predicted = torch.max(outputs, dim=1)
                    total += labels.shape[0]
                    correct += int((predicted == labels).sum())
            accdict[name] = correct / max(total, 1)
    finally:
        model.train(was_training)
    return accdict
