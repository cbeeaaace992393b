"""Mistake: the labels' range is checked before their dtype, so float labels out of range raise ValueError, not the TypeError the stub puts first.

Fails: bad_labels_get_a_clear_error (failed): the dtype is checked first) raised ValueError
"""
import torch


def _check_labels(labels, num_classes):
    if labels.numel() and (int(labels.min()) < 0 or int(labels.max()) >= num_classes):
        bad = int(labels.min()) if labels.min() < 0 else int(labels.max())
        raise ValueError(f"label {bad} is out of range for num_classes={num_classes}")
    dtype = labels.dtype
    if dtype.is_floating_point or dtype.is_complex or dtype == torch.bool:
        raise TypeError(f"labels must be an integer tensor, got dtype {dtype}; convert them with .long()")


def one_hot(target, num_classes):
    return one_hot_along(target, num_classes, dim=1)


def one_hot_along(indices, num_classes, dim):
    _check_labels(indices, num_classes)
    index = indices.long().unsqueeze(dim)
    shape = list(index.shape)
    shape[dim] = num_classes
    encoded = torch.zeros(shape, dtype=torch.float32, device=indices.device)
    return encoded.scatter_(dim, index, 1.0)
