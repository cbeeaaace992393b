"""Mistake: drops the FIRST channel of RGBA images (img_t[-3:]) instead of the alpha channel, the last one.

Fails: alpha_channel_is_dropped (failed): keeping the last three channels
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
    return torch.stack([torch.as_tensor(img).permute(2, 0, 1)[-3:] for img in images])

def normalize_per_channel(batch):
    if batch.dim() != 4:
        raise ValueError(f"expected [N, C, H, W], got {list(batch.shape)}")
    x = batch.float() if not batch.is_floating_point() else batch
    mean = x.mean(dim=(0, 2, 3), keepdim=True)
    std = x.std(dim=(0, 2, 3), keepdim=True)
    for c in range(x.shape[1]):
        if not std[0, c, 0, 0] > 0:
            raise ValueError(f"channel {c} is constant")
    return (x - mean) / std

