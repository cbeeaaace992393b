"""Mistake: loops over range(3) channels, so a batch with more channels keeps the extra ones as they were.

Fails: normalize_per_channel_with_any_number_of_channels (failed): normalising only the first 3 channels
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
    out = batch.float() if not batch.is_floating_point() else batch.clone()
    for c in range(3):
        mean = torch.mean(out[:, c])
        std = torch.std(out[:, c])
        if std == 0:
            raise ValueError(f"channel {c} is constant")
        out[:, c] = (out[:, c] - mean) / std
    return out
