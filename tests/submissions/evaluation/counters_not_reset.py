"""Mistake: correct/total are set to 0 once, outside the loop over loaders, so each loader's accuracy includes the previous loaders' samples.

Fails: accuracy_is_counted_over_samples (failed): accuracy of
"""
import torch


def validate(model, loaders, device="cpu"):
    accdict = {}
    correct = 0
    total = 0
    was_training = model.training
    model.eval()
    try:
        for name, loader in loaders.items():
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
            accdict[name] = correct / total
    finally:
        model.train(was_training)
    return accdict
