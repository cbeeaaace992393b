"""Label checks done right, shared by the encoding cases: what they attack is how they encode."""
import torch


def check_labels(labels, num_classes):
    if labels.dtype.is_floating_point or labels.dtype == torch.bool:
        raise TypeError(f"labels must be integers, not {labels.dtype}")
    if labels.numel():
        low, high = int(labels.min()), int(labels.max())
        if low < 0 or high >= num_classes:
            raise ValueError(f"label {low if low < 0 else high} is out of range for num_classes={num_classes}")


def class_axis_at(encoded, indices, dim):
    """Move the class axis F.one_hot appends to where ``dim`` says."""
    return encoded.float().movedim(-1, dim if dim >= 0 else dim + indices.dim() + 1)
