"""Hostile: F.one_hot kept under another name, in default arguments, where no recorder replaces it."""
import torch.nn.functional as F

from labels import check_labels, class_axis_at


def one_hot(target, num_classes, _encode=F.one_hot):
    check_labels(target, num_classes)
    return _encode(target.long(), num_classes).float()


def one_hot_along(indices, num_classes, dim, _encode=F.one_hot):
    check_labels(indices, num_classes)
    return class_axis_at(_encode(indices.long(), num_classes), indices, dim)
