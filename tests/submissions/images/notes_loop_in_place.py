"""Mistake: the notes' loop as written: batch = batch.float() returns the SAME tensor for a float batch, so batch[:, c] = ... changes the caller's batch.

Fails: batch_is_not_modified (failed): modified its argument 'batch' in place
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
    batch = batch.float() if not batch.is_floating_point() else batch
    n_channels = batch.shape[1]
    for c in range(n_channels):
        mean = torch.mean(batch[:, c])
        std = torch.std(batch[:, c])
        if std == 0:
            raise ValueError(f"channel {c} is constant")
        batch[:, c] = (batch[:, c] - mean) / std
    return batch
