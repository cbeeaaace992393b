"""Mistake: the dtype check lists the signed integer dtypes it accepts and forgets uint8, which the stub calls valid.

Fails: one_hot_matches_reference (error): one_hot(target of dtype torch.uint8, 10) raised TypeError
"""
import torch


def _check_labels(labels, num_classes):
    dtype = labels.dtype
    if dtype not in (torch.int8, torch.int16, torch.int32, torch.int64):
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
    index = indices.long().unsqueeze(dim)
    shape = list(index.shape)
    shape[dim] = num_classes
    encoded = torch.zeros(shape, dtype=torch.float32, device=indices.device)
    return encoded.scatter_(dim, index, 1.0)
