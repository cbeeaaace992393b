"""Mistake: counts batches instead of samples in the total (total += 1 per batch).

Fails: accuracy_is_counted_over_samples (failed): number of batches instead of samples
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
                    total += 1
                    correct += int((predicted == labels).sum())
            if total == 0:
                raise ValueError(f"loader '{name}' has no samples")
            accdict[name] = correct / total
    finally:
        model.train(was_training)
    return accdict
