"""Correct: @torch.no_grad() as a decorator; collects every batch's predictions and labels with torch.cat and counts once per loader."""
import torch


@torch.no_grad()
def validate(model, loaders, device="cpu"):
    mode_before = model.training
    model.train(False)
    results = {}
    try:
        for loader_name in loaders:
            all_preds = []
            all_labels = []
            for batch in loaders[loader_name]:
                inputs, targets = batch
                inputs = inputs.to(device)
                targets = targets.to(device)
                all_preds.append(model(inputs).argmax(dim=1))
                all_labels.append(targets)
            if not all_labels:
                raise ValueError(f"loader {loader_name!r} is empty")
            preds = torch.cat(all_preds)
            labels = torch.cat(all_labels)
            if labels.numel() == 0:
                raise ValueError(f"loader {loader_name!r} is empty")
            n_correct = (preds == labels).sum().item()
            results[loader_name] = float(n_correct) / labels.numel()
    finally:
        model.train(mode_before)
    return results
