"""Mistake: picks rows of a 10 x 10 identity matrix, the ten wine-quality classes of the notes, cut to num_classes: right for every public case (at most 10 classes), wrong for more classes.

Fails: one_hot_on_fresh_labels_and_classes (error): out of bounds for dimension 0 with size 10
"""
import torch

_NOTES_CLASSES = torch.eye(10)


def _check_labels(labels, num_classes):
    if labels.dtype.is_floating_point or labels.dtype.is_complex or labels.dtype == torch.bool:
        raise TypeError(f"labels must be an integer tensor, got dtype {labels.dtype}")
    bad = (labels < 0) | (labels >= num_classes)
    if bad.any():
        raise ValueError(f"label {labels[bad][0].item()} is out of range for num_classes={num_classes}")


def one_hot(target, num_classes):
    _check_labels(target, num_classes)
    return _NOTES_CLASSES.to(target.device)[target.long()][:, :num_classes]


def one_hot_along(indices, num_classes, dim):
    _check_labels(indices, num_classes)
    if dim < 0:
        dim += indices.dim() + 1
    rows = _NOTES_CLASSES.to(indices.device)[indices.long().reshape(-1)][:, :num_classes]
    return rows.reshape(*indices.shape, num_classes).movedim(-1, dim).contiguous()
