"""Mistake: averages the per-batch accuracies, which is wrong when the last batch is smaller.

Fails: accuracy_is_counted_over_samples (failed): mean of per-batch accuracies
"""
import torch


def validate(model, loaders, device="cpu"):
    accdict = {}
    was_training = model.training
    model.eval()
    try:
        for name, loader in loaders.items():
            batch_accs = []
            with torch.no_grad():
                for imgs, labels in loader:
                    imgs = imgs.to(device=device)
                    labels = labels.to(device=device)
                    outputs = model(imgs)
                    _, predicted = torch.max(outputs, dim=1)
                    batch_acc = (predicted == labels).float().mean().item()
                    batch_accs.append(batch_acc)
            if len(batch_accs) == 0:
                raise ValueError(f"loader '{name}' has no samples")
            accdict[name] = sum(batch_accs) / len(batch_accs)
    finally:
        model.train(was_training)
    return accdict
