"""Mistake: switches the model to eval mode and never switches it back to train mode.

Fails: model_mode_is_restored (failed): restore its mode
"""
import torch


def validate(model, loaders, device="cpu"):
    accdict = {}
    model.eval()
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
        accdict[name] = correct / total
    return accdict
