"""Mistake: normalize_per_channel converts uint8 batches to float32 but leaves other integer batches (int64, int16) as they are, which the stub promises to standardise as float32 too.

Fails: normalize_per_channel_of_a_uint8_batch (error): any integer dtype
"""
import torch


def to_chw_batch(images):
    tensors = [torch.as_tensor(image) for image in images]
    if len(tensors) == 0:
        raise ValueError("empty list of images")
    for index, image in enumerate(tensors):
        if image.ndim != 3 or image.shape[-1] < 3 or image.shape[-1] > 4:
            raise ValueError(f"image {index} is not HxWx3 or HxWx4: {tuple(image.shape)}")
        if image.shape[:2] != tensors[0].shape[:2]:
            raise ValueError(f"image {index} does not have the size of image 0")
    rgb = torch.stack([image[..., :3] for image in tensors])
    return rgb.movedim(-1, 1).contiguous()


def normalize_per_channel(batch):
    if batch.ndim != 4:
        raise ValueError("batch must be 4-D")
    x = batch.to(torch.float32) if batch.dtype == torch.uint8 else batch
    channels = x.shape[1]
    flat = x.transpose(0, 1).reshape(channels, -1)
    mean = flat.mean(dim=1)
    std = flat.std(dim=1)
    zero = (std == 0).nonzero()
    if len(zero):
        raise ValueError(f"channel {int(zero[0])} is constant")
    return (x - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1)
