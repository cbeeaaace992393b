"""Hostile: F.one_hot looked up with getattr and a computed name, so that no text names it."""
import torch.nn.functional as F

from labels import check_labels, class_axis_at


def _encode(labels, num_classes):
    return getattr(F, "one_" + "hot")(labels.long(), num_classes)


def one_hot(target, num_classes):
    check_labels(target, num_classes)
    return _encode(target, num_classes).float()


def one_hot_along(indices, num_classes, dim):
    check_labels(indices, num_classes)
    return class_axis_at(_encode(indices, num_classes), indices, dim)
