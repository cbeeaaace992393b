"""Mistake: never checks that the labels are in [0, num_classes); a bad label ends in scatter_'s own RuntimeError instead of a ValueError naming it.

Fails: bad_labels_get_a_clear_error (failed): expected ValueError
"""
import torch


def one_hot(target, num_classes):
    if target.is_floating_point() or target.is_complex() or target.dtype == torch.bool:
        raise TypeError(f"one_hot needs integer labels, not {target.dtype}")
    target_onehot = torch.zeros(target.shape[0], num_classes, device=target.device)
    target_onehot.scatter_(1, target.long().unsqueeze(1), 1.0)
    return target_onehot


def one_hot_along(indices, num_classes, dim):
    if indices.is_floating_point() or indices.is_complex() or indices.dtype == torch.bool:
        raise TypeError(f"one_hot_along needs integer labels, not {indices.dtype}")
    if not -(indices.dim() + 1) <= dim <= indices.dim():
        raise IndexError(f"dim {dim} is out of range for a {indices.dim()}-d indices tensor")
    if dim < 0:
        dim = dim + indices.dim() + 1
    shape = list(indices.shape)
    shape.insert(dim, num_classes)
    onehot = torch.zeros(shape, device=indices.device)
    onehot.scatter_(dim, indices.long().unsqueeze(dim), 1.0)
    return onehot
