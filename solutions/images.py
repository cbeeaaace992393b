"""Reference for ``images``: pictures as a channels-first uint8 batch, standardised per channel."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import Tensor


def to_chw_batch(images: Sequence[np.ndarray | Tensor]) -> Tensor:
    """Stack H×W×3 or H×W×4 uint8 images into a uint8 [N, 3, H, W] batch, alpha dropped."""
    if len(images) == 0:
        raise ValueError("to_chw_batch needs at least one image; got an empty sequence")
    tensors = [torch.as_tensor(image) for image in images]
    height, width = tensors[0].shape[:2]
    for index, image in enumerate(tensors):
        if image.dim() != 3 or image.shape[2] not in (3, 4):
            raise ValueError(f"image {index} has shape {list(image.shape)}; expected H×W×3 (RGB) or H×W×4 (RGBA)")
        if image.shape[:2] != (height, width):
            raise ValueError(f"image {index} is {image.shape[0]}×{image.shape[1]} but image 0 is "
                             f"{height}×{width}: a batch holds images of one size")
    return torch.stack([image[:, :, :3] for image in tensors]).permute(0, 3, 1, 2).contiguous()


def normalize_per_channel(batch: Tensor) -> Tensor:
    """(x − mean_c) / std_c for each channel c of an [N, C, H, W] batch, statistics over N, H and W."""
    if batch.dim() != 4 or batch.numel() < 2 * batch.shape[1]:
        raise ValueError(f"expected a batch [N, C, H, W] with at least 2 values per channel; got shape {list(batch.shape)}")
    values = batch if batch.is_floating_point() else batch.float()
    mean = values.mean(dim=(0, 2, 3), keepdim=True)
    std = values.std(dim=(0, 2, 3), keepdim=True)
    flat = ~(std.flatten() > 0)
    if bool(flat.any()):
        channel = int(flat.nonzero()[0])
        raise ValueError(f"channel {channel} has the same value everywhere (std 0), so it cannot be standardised")
    return (values - mean) / std
