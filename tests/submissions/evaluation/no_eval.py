"""Mistake: never calls model.eval(), so dropout and batch norm stay in training mode while evaluating.

Fails: model_is_in_eval_mode_while_evaluating (failed): call model.eval()
"""
import torch


def validate(model, loaders, device="cpu"):
    accdict = {}
    was_training = model.training
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
            accdict[name] = correct / total
    finally:
        model.train(was_training)
    return accdict
