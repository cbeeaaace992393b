"""Mistake: one_hot remembers its first result and returns it again for any input of the same size."""
import torch

_cache = {}


def one_hot(target, num_classes):
    key = (len(target), num_classes)
    if key not in _cache:
        _cache[key] = torch.zeros(len(target), num_classes).scatter_(1, target.long().unsqueeze(1), 1.0)
    return _cache[key]
