"""Correct: the notes' way: a preallocated torch.zeros(N, 3, H, W, dtype=torch.uint8) filled image by image with permute(2, 0, 1)[:3], and a per-channel loop over a float copy."""
import torch


def to_chw_batch(images):
    if not images:
        raise ValueError("to_chw_batch got no images")
    height, width = images[0].shape[0], images[0].shape[1]
    first = torch.as_tensor(images[0])
    batch = torch.zeros(len(images), 3, height, width, dtype=torch.uint8, device=first.device)
    for i, img_arr in enumerate(images):
        if len(img_arr.shape) != 3 or img_arr.shape[2] not in (3, 4):
            raise ValueError(f"image {i}: expected H x W x 3 or H x W x 4, got shape {tuple(img_arr.shape)}")
        if img_arr.shape[0] != height or img_arr.shape[1] != width:
            raise ValueError(f"image {i} is {img_arr.shape[0]}x{img_arr.shape[1]}, not {height}x{width}")
        img_t = torch.as_tensor(img_arr)
        img_t = img_t.permute(2, 0, 1)
        img_t = img_t[:3]
        batch[i] = img_t
    return batch


def normalize_per_channel(batch):
    if batch.dim() != 4:
        raise ValueError(f"expected a batch [N, C, H, W], got shape {tuple(batch.shape)}")
    out = batch.clone() if batch.is_floating_point() else batch.float()
    n_channels = out.shape[1]
    for c in range(n_channels):
        mean = torch.mean(out[:, c])
        std = torch.std(out[:, c])
        if std == 0:
            raise ValueError(f"channel {c} has std 0 and cannot be normalised")
        out[:, c] = (out[:, c] - mean) / std
    return out
