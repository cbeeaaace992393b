"""Mistake: one_hot_along passes a negative `dim` straight to list.insert, which puts the class axis one place too early (dim=-1 is not the last axis).

Fails: one_hot_along_inserts_the_class_axis_at_dim (error): dim=-1
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
    target_onehot.scatter_(1, target.long().unsqueeze(1), 1.0)
    return target_onehot


def one_hot_along(indices, num_classes, dim):
    _check_labels(indices, num_classes)
    shape = list(indices.shape)
    shape.insert(dim, num_classes)
    onehot = torch.zeros(shape, device=indices.device)
    onehot.scatter_(dim, indices.long().unsqueeze(dim), 1.0)
    return onehot
