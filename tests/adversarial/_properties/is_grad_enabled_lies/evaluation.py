"""Hostile: validate() with autograd on, while torch.is_grad_enabled() is made to answer False."""
import torch

torch.is_grad_enabled = lambda: False


def validate(model, loaders, device="cpu"):
    was_training = model.training
    model.eval()
    try:
        accuracies = {}
        for name, loader in loaders.items():
            correct, total = 0, 0
            for imgs, labels in loader:
                imgs, labels = imgs.to(device), labels.to(device)
                correct += int((model(imgs).argmax(dim=1) == labels).sum())
                total += len(labels)
            if total == 0:
                raise ValueError(f"loader {name!r} yielded no samples")
            accuracies[name] = correct / total
        return accuracies
    finally:
        model.train(was_training)
