"""Correct: the notes' validate (torch.max(outputs, dim=1), int(...sum())) looped over loaders.items(), with the mode saved and restored in try/finally."""
import torch


def validate(model, loaders, device="cpu"):
    accdict = {}
    previous_mode = model.training
    model.eval()
    try:
        with torch.no_grad():
            for name, loader in loaders.items():
                correct = 0
                total = 0
                for imgs, labels in loader:
                    imgs = imgs.to(device=device)
                    labels = labels.to(device=device)
                    outputs = model(imgs)
                    _, predicted = torch.max(outputs, dim=1)
                    total += labels.shape[0]
                    correct += int((predicted == labels).sum())
                if total == 0:
                    raise ValueError(f"cannot compute accuracy: loader {name!r} yielded no samples")
                print("Accuracy {}: {:.2f}".format(name, correct / total))
                accdict[name] = correct / total
    finally:
        model.train(previous_mode)
    return accdict
