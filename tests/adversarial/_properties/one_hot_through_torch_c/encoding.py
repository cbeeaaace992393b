"""Hostile: F.one_hot reached as torch._C._nn.one_hot, the C function behind it, which no recorder wraps."""
import torch

from labels import check_labels, class_axis_at


def one_hot(target, num_classes):
    check_labels(target, num_classes)
    return torch._C._nn.one_hot(target.long(), num_classes).float()


def one_hot_along(indices, num_classes, dim):
    check_labels(indices, num_classes)
    return class_axis_at(torch._C._nn.one_hot(indices.long(), num_classes), indices, dim)
