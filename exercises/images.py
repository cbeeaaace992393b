"""Exercise ``images``: pictures as tensors, channels first, then standardised per channel.

From the course notes 002, "images": ``imageio.imread`` gives an H×W×3 (or H×W×4, with
an alpha channel for transparency) array of uint8; PyTorch wants C×H×W, and a batch of
them N×C×H×W. The notes fill a ``torch.zeros(batch_size, 3, 256, 256, dtype=torch.uint8)``
with ``img_t.permute(2, 0, 1)[:3]``, then turn the batch into floats and standardise
each colour channel with its own mean and standard deviation.

Neither function may change the arrays or tensors it is given.

Check your work with ``grader check images``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from torch import Tensor


def to_chw_batch(images: Sequence[np.ndarray | Tensor]) -> Tensor:
    """Stack images of one size into a channels-first uint8 batch, dropping any alpha channel.

    In:  a list of N images, each a uint8 array of shape [H, W, 3] (RGB) or [H, W, 4]
         (RGBA), as ``imageio.imread`` returns them; NumPy arrays or torch tensors.
         RGB and RGBA images may be mixed.
    Out: uint8 [N, 3, H, W]; ``out[n, c, i, j]`` is channel c (0 red, 1 green, 2 blue) of
         pixel (i, j) of image n. The values are the pixels unchanged: convert to float
         later, in ``normalize_per_channel``. Tensors given on a GPU give a result there.

    Errors (ValueError, the message naming the image's index): an empty list; an image
    whose shape is not [H, W, 3] or [H, W, 4] (a grayscale [H, W] image, say); an image
    whose H×W differs from image 0's.

    Example (notes 002): a 720×1280 RGB photo -> ``torch.from_numpy(img_arr).permute(2, 0, 1)``
    has shape [3, 720, 1280]; to_chw_batch([photo, photo_with_alpha]) has shape
    [2, 3, 720, 1280].

    Pitfalls: ``view``/``reshape(3, H, W)`` is not a permute (it keeps the memory order,
    so channels and pixels get mixed up); ``permute(2, 1, 0)`` swaps H and W; the alpha
    channel is the LAST one (keep ``[..., :3]``, not ``[..., 1:]``); ``.float()`` here loses
    the uint8 dtype the notes' batch has.
    """
    raise NotImplementedError("to_chw_batch: not implemented yet")


def normalize_per_channel(batch: Tensor) -> Tensor:
    """Standardise each channel of a batch with that channel's mean and standard deviation.

    In:  ``batch`` [N, C, H, W] of any real dtype (uint8 from ``to_chw_batch``, or float),
         any number of channels C, at least 2 values per channel.
    Out: float32 for an integer batch, the batch's own dtype for a floating one; same
         shape; ``out[:, c] = (batch[:, c] - mean_c) / std_c`` where mean_c and std_c are
         taken over ALL the values of channel c (every image, row and column) and std is
         ``torch.std``'s (the sample standard deviation, dividing by n - 1).
         Dividing by 255 first changes nothing: the standardised values are the same.

    Errors: a channel whose values are all equal (std 0) -> ValueError naming the channel,
    e.g. "channel 2 has the same value everywhere (std 0)"; a batch that is not 4-D ->
    ValueError.

    Example (notes 002):
        for c in range(n_channels):
            mean = torch.mean(batch[:, c]); std = torch.std(batch[:, c])
            batch[:, c] = (batch[:, c] - mean) / std
    but on a NEW tensor: the notes' loop writes into the caller's batch. One vectorised
    expression does it all: ``batch.mean(dim=(0, 2, 3), keepdim=True)`` is [1, C, 1, 1].

    Pitfalls: one mean and std for the whole batch instead of per channel; statistics per
    image (over H and W only); ``unbiased=False``; arithmetic on uint8 (it wraps around:
    convert with ``.float()`` first); hard-coding 3 channels; writing into ``batch``.
    """
    raise NotImplementedError("normalize_per_channel: not implemented yet")
