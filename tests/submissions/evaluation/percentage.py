"""Mistake: returns a percentage (100 * correct / total) instead of a fraction in [0, 1].

Fails: accuracy_is_counted_over_samples (failed): a percentage instead of a fraction
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
            if total == 0:
                raise ValueError(f"loader '{name}' has no samples")
            accdict[name] = 100 * correct / total
    finally:
        model.train(was_training)
    return accdict
