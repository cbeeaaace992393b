"""Mistake: the labels go to scatter_ as they are, without .long(), so uint8 labels (valid: any integer dtype) crash.

Fails: one_hot_matches_reference (error): scatter_ wants a torch.long index, so pass target.long()
"""
import torch


def _check_labels(labels, num_classes):
    dtype = labels.dtype
    if dtype.is_floating_point or dtype.is_complex or dtype == torch.bool:
        raise TypeError(f"labels must be an integer tensor, got dtype {dtype}; convert them with .long()")
    if labels.numel() == 0:
        return
    low, high = (int(v) for v in torch.aminmax(labels))
    if low < 0 or high >= num_classes:
        bad = low if low < 0 else high
        raise ValueError(f"label {bad} is out of range for num_classes={num_classes}")


def one_hot(target, num_classes):
    return one_hot_along(target, num_classes, dim=1)


def one_hot_along(indices, num_classes, dim):
    _check_labels(indices, num_classes)
    index = indices.unsqueeze(dim)
    shape = list(index.shape)
    shape[dim] = num_classes
    encoded = torch.zeros(shape, dtype=torch.float32, device=indices.device)
    return encoded.scatter_(dim, index, 1.0)
