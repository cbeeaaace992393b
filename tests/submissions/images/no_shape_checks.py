"""Mistake: checks nothing, so bad input fails inside torch (RuntimeError, IndexError) instead of a ValueError naming the image.

Fails: bad_images_raise_value_error (failed): expected ValueError
"""
import torch


def to_chw_batch(images):
    return torch.stack([torch.as_tensor(img).permute(2, 0, 1)[:3] for img in images])

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

