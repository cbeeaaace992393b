"""Correct: one_hot picks rows of an identity matrix (index_select(torch.eye(C), 0, labels)); one_hot_along compares the labels with arange(C) laid along `dim`. No scatter_ at all."""
import torch


def _validate(labels, num_classes):
    dtype = labels.dtype
    if dtype == torch.bool or torch.is_floating_point(labels) or torch.is_complex(labels):
        raise TypeError(f"expected integer class labels, got a tensor of dtype {dtype}")
    out_of_range = (labels < 0) | (labels >= num_classes)
    if torch.any(out_of_range):
        first_bad = labels.reshape(-1)[out_of_range.reshape(-1).nonzero()[0, 0]]
        raise ValueError(f"label {int(first_bad)} is out of range for num_classes={num_classes}")


def _eye_rows(labels, num_classes):
    eye = torch.eye(num_classes, dtype=torch.float32, device=labels.device)
    rows = torch.index_select(eye, 0, labels.reshape(-1).long())  # row i of eye is class i
    return rows.view(*labels.shape, num_classes)


def one_hot(target, num_classes):
    _validate(target, num_classes)
    return _eye_rows(target, num_classes)


def one_hot_along(indices, num_classes, dim):
    _validate(indices, num_classes)
    # Same idea as the identity matrix, for any axis: the entry for class c is 1 where the
    # label equals c. Comparing with arange(C), shaped to lie along `dim`, broadcasts
    # straight into the final layout (no copy to move the class axis).
    k = indices.dim()
    if not -(k + 1) <= dim <= k:
        raise IndexError(f"dim {dim} is out of range, expected {-(k + 1)} <= dim <= {k}")
    if dim < 0:
        dim += k + 1
    class_shape = [1] * (k + 1)
    class_shape[dim] = num_classes
    classes = torch.arange(num_classes, device=indices.device).view(class_shape)
    return (indices.long().unsqueeze(dim) == classes).to(torch.float32)
