"""Mistake: the dtype check only rejects floating-point labels, so bool labels are one-hot encoded as 0/1 instead of raising TypeError.

Fails: bad_labels_get_a_clear_error (failed): bool labels
"""
import torch


def _check_labels(target, num_classes):
    if target.is_floating_point():
        raise TypeError(f"labels must be integers, got dtype {target.dtype}")
    bad = (target < 0) | (target >= num_classes)
    if bad.any():
        value = target[bad][0].item()
        raise ValueError(f"label {value} is out of range for num_classes={num_classes}")


def one_hot(target, num_classes):
    _check_labels(target, num_classes)
    target_onehot = torch.zeros(target.shape[0], num_classes, device=target.device)
    target_onehot.scatter_(1, target.long().unsqueeze(1), 1.0)
    return target_onehot


def one_hot_along(indices, num_classes, dim):
    _check_labels(indices, num_classes)
    if not -(indices.dim() + 1) <= dim <= indices.dim():
        raise IndexError(f"dim {dim} is out of range for a {indices.dim()}-d indices tensor")
    if dim < 0:
        dim = dim + indices.dim() + 1
    shape = list(indices.shape)
    shape.insert(dim, num_classes)
    onehot = torch.zeros(shape, device=indices.device)
    onehot.scatter_(dim, indices.long().unsqueeze(dim), 1.0)
    return onehot
