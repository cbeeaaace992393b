"""Mistake: the range check uses target.min() / target.max(), which raise a RuntimeError on an empty target instead of returning an empty [0, C] tensor.

Fails: empty_input_gives_an_empty_result (error): raised RuntimeError
"""
import torch


def _check_labels(target, num_classes):
    if target.dtype.is_floating_point or target.dtype.is_complex or target.dtype == torch.bool:
        raise TypeError(f"labels must be an integer tensor, got dtype {target.dtype}")
    low = target.min().item()
    high = target.max().item()
    if low < 0:
        raise ValueError(f"label {low} is out of range for num_classes={num_classes}")
    if high >= num_classes:
        raise ValueError(f"label {high} is out of range for num_classes={num_classes}")


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
