"""Mistake: fills the one-hot rows with a Python for-loop over the labels instead of one scatter_ call (far too slow on 10^6 labels).

Fails: one_hot_throughput (failed): slower than the reference
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
    target_onehot = torch.zeros(target.shape[0], num_classes, device=target.device)
    for i in range(target.shape[0]):
        target_onehot[i, int(target[i])] = 1.0
    return target_onehot


def one_hot_along(indices, num_classes, dim):
    _check_labels(indices, num_classes)
    if not -(indices.dim() + 1) <= dim <= indices.dim():
        raise IndexError(f"dim {dim} is out of range for a {indices.dim()}-d indices tensor")
    if dim < 0:
        dim = dim + indices.dim() + 1
    # one row of num_classes per label, then move the class axis to `dim`
    flat = indices.reshape(-1)
    rows = torch.zeros(flat.shape[0], num_classes, device=indices.device)
    for i in range(flat.shape[0]):
        rows[i, int(flat[i])] = 1.0
    rows = rows.reshape(*indices.shape, num_classes)
    return rows.movedim(-1, dim).contiguous()
