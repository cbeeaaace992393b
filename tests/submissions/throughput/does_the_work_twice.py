"""Correct, but one_hot does the reference's whole work (label check, then encoding) twice: twice its time."""
import torch


def _encode(target, num_classes):
    if target.dtype.is_floating_point or target.dtype.is_complex or target.dtype == torch.bool:
        raise TypeError(f"labels must be an integer tensor, got dtype {target.dtype}")
    if target.numel():
        low, high = (int(v) for v in torch.aminmax(target))
        if low < 0 or high >= num_classes:
            raise ValueError(f"label {low if low < 0 else high} is out of range for num_classes={num_classes}")
    return torch.zeros(len(target), num_classes).scatter_(1, target.long().unsqueeze(1), 1.0)


def one_hot(target, num_classes):
    encoded = None
    for _ in range(2):
        encoded = _encode(target, num_classes)
    return encoded
