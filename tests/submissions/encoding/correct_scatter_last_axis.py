"""Correct: allocates the result with the class axis at `dim`, then scatters through a movedim view that puts the class axis last (so every scatter_ is along -1, no copy afterwards)."""
import torch


_INTEGER_DTYPES = {torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64}
for _name in ("uint16", "uint32", "uint64"):  # only in newer torch versions
    if hasattr(torch, _name):
        _INTEGER_DTYPES.add(getattr(torch, _name))


def _check(labels, num_classes):
    if labels.dtype not in _INTEGER_DTYPES:
        raise TypeError(f"labels must have an integer dtype, got {labels.dtype}")
    wrong = torch.logical_or(labels < 0, labels >= num_classes)
    if wrong.any():
        value = labels[wrong][0].item()
        raise ValueError(f"label {value} is out of range for num_classes={num_classes}")


def one_hot(target, num_classes):
    return one_hot_along(target, num_classes, -1)


def one_hot_along(indices, num_classes, dim):
    _check(indices, num_classes)
    k = indices.dim()
    if dim < -(k + 1) or dim > k:
        raise IndexError(f"dim {dim} is out of range for a tensor with {k} dimensions (allowed {-(k + 1)}..{k})")
    if dim < 0:
        dim += k + 1
    out_shape = indices.shape[:dim] + (num_classes,) + indices.shape[dim:]
    result = torch.zeros(out_shape, dtype=torch.float32, device=indices.device)
    classes_last = result.movedim(dim, -1)  # a view: writing into it fills `result`
    classes_last.scatter_(-1, indices.long().unsqueeze(-1), 1.0)
    return result
