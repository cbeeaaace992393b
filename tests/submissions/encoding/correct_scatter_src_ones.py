"""Correct: one_hot is one_hot_along(target, C, dim=1); scatter_ takes a source tensor of ones (an expanded view) instead of the value 1.0, indices from .to(torch.int64)."""
import torch


def one_hot(target, num_classes):
    return one_hot_along(target, num_classes, 1)


def one_hot_along(indices, num_classes, dim):
    if indices.dtype == torch.bool or indices.dtype.is_floating_point or indices.dtype.is_complex:
        raise TypeError(f"cannot one-hot encode labels of dtype {indices.dtype}; use integer labels")
    if indices.numel() > 0:
        outside = (indices < 0) | (indices >= num_classes)
        if outside.any():
            offending = indices[outside]
            raise ValueError(
                f"label {offending[0].item()} is out of range for num_classes={num_classes}"
            )
    if dim < -(indices.dim() + 1) or dim > indices.dim():
        raise IndexError(f"dim={dim} is out of range for indices with {indices.dim()} dimensions")
    if dim < 0:
        dim += indices.dim() + 1
    index = indices.to(torch.int64).unsqueeze(dim)
    size = list(indices.shape)
    size.insert(dim, num_classes)
    ones = torch.ones(1, dtype=torch.float32, device=indices.device).expand(index.shape)
    return torch.zeros(size, dtype=torch.float32, device=indices.device).scatter_(dim, index, ones)
