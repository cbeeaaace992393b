"""Mistake: uses the population standard deviation (unbiased=False) where the notes' torch.std divides by n - 1.

Fails: normalize_per_channel_matches_reference (failed): unbiased=False
"""
import torch

def _check(images):
    if len(images) == 0:
        raise ValueError("no images")
    h, w = images[0].shape[:2]
    for i, img in enumerate(images):
        if img.ndim != 3 or img.shape[2] not in (3, 4):
            raise ValueError(f"image {i} has shape {tuple(img.shape)}")
        if tuple(img.shape[:2]) != (h, w):
            raise ValueError(f"image {i} has another size")


def to_chw_batch(images):
    _check(images)
    return torch.stack([torch.as_tensor(img).permute(2, 0, 1)[:3] for img in images])


def normalize_per_channel(batch):
    x = batch.float() if not batch.is_floating_point() else batch
    mean = x.mean(dim=(0, 2, 3), keepdim=True)
    std = x.std(dim=(0, 2, 3), keepdim=True, unbiased=False)
    for c in range(x.shape[1]):
        if std[0, c, 0, 0] == 0:
            raise ValueError(f"channel {c} is constant")
    return (x - mean) / std
