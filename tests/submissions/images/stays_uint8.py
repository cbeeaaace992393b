"""Mistake: writes the standardised values into a copy of the uint8 batch, so they are truncated to integers.

Fails: normalize_per_channel_of_a_uint8_batch (failed): Convert first: batch.float()
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
    out = batch.clone()
    for c in range(batch.shape[1]):
        channel = batch[:, c].double()
        std = channel.std()
        if std == 0:
            raise ValueError(f"channel {c} is constant")
        out[:, c] = ((channel - channel.mean()) / std).to(batch.dtype)
    return out
