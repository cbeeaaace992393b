"""Mistake: builds the one-hot tensor as int64 (torch.zeros(..., dtype=torch.long)) instead of float32.

Fails: one_hot_matches_reference (failed): dtype torch.int64; expected torch.float32
"""
import torch


def _check_labels(target, num_classes):
    if target.dtype.is_floating_point or target.dtype.is_complex or target.dtype == torch.bool:
        raise TypeError(f"labels must be an integer tensor, got dtype {target.dtype}")
    bad = (target < 0) | (target >= num_classes)
    if bad.any():
        value = target[bad][0].item()
        raise ValueError(f"label {value} is out of range for num_classes={num_classes}")


def one_hot(target, num_classes):
    _check_labels(target, num_classes)
    target_onehot = torch.zeros(target.shape[0], num_classes, dtype=torch.long, device=target.device)
    target_onehot.scatter_(1, target.long().unsqueeze(1), 1)
    return target_onehot


def one_hot_along(indices, num_classes, dim):
    _check_labels(indices, num_classes)
    if not -(indices.dim() + 1) <= dim <= indices.dim():
        raise IndexError(f"dim {dim} is out of range for a {indices.dim()}-d indices tensor")
    if dim < 0:
        dim = dim + indices.dim() + 1
    shape = list(indices.shape)
    shape.insert(dim, num_classes)
    onehot = torch.zeros(shape, dtype=torch.long, device=indices.device)
    onehot.scatter_(dim, indices.long().unsqueeze(dim), 1)
    return onehot
