"""Correct: fills the zeros with scatter_add_ of a ones tensor (each position gets exactly one label, so adding 1 to 0 is the same as writing 1.0)."""
import torch


def _check_labels(labels, num_classes):
    if labels.dtype.is_floating_point or labels.dtype.is_complex or labels.dtype is torch.bool:
        raise TypeError(f"labels must be integers, got a tensor of dtype {labels.dtype}")
    bad_mask = (labels < 0) | (labels >= num_classes)
    if bad_mask.any():
        bad_labels = labels[bad_mask]
        raise ValueError(f"label {bad_labels[0].item()} is out of range for num_classes={num_classes}")


def one_hot(target, num_classes):
    _check_labels(target, num_classes)
    index = target.long().view(-1, 1)
    counts = torch.zeros(target.size(0), num_classes, dtype=torch.float32, device=target.device)
    counts.scatter_add_(1, index, torch.ones_like(index, dtype=torch.float32))
    return counts


def one_hot_along(indices, num_classes, dim):
    _check_labels(indices, num_classes)
    n_dims = indices.dim()
    if not -(n_dims + 1) <= dim <= n_dims:
        raise IndexError(f"dim must be in [{-(n_dims + 1)}, {n_dims}] for a {n_dims}-d input, got {dim}")
    dim = dim % (n_dims + 1)
    index = indices.long().unsqueeze(dim)
    out_shape = list(index.shape)
    out_shape[dim] = num_classes
    counts = torch.zeros(out_shape, dtype=torch.float32, device=indices.device)
    counts.scatter_add_(dim, index, torch.ones_like(index, dtype=torch.float32))
    return counts
