"""Hostile: F.one_hot imported in a second module of the submission, which the recorder does not look into."""
from encode_helpers import encode
from labels import check_labels, class_axis_at


def one_hot(target, num_classes):
    check_labels(target, num_classes)
    return encode(target.long(), num_classes).float()


def one_hot_along(indices, num_classes, dim):
    check_labels(indices, num_classes)
    return class_axis_at(encode(indices.long(), num_classes), indices, dim)
