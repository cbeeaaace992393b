"""Checks of ``images``: channels-first uint8 batches and per-channel standardisation (notes 002, images)."""

from __future__ import annotations

from typing import Any

import torch

from grader.judge import expect
from grader.judge.core import Student, check, explaining, fail
from grader.judge.reference import reference_of

reference = reference_of("images")


RESHAPE = "view/reshape(3, H, W) instead of permute(2, 0, 1) (it keeps the memory order and mixes pixels up)"
ALPHA_MIX = ("RGBA images have 4 channels and RGB ones 3, so they cannot be stacked as they are: keep the first "
             "three channels of each (image[:, :, :3]) before stacking")
HARD_CODED_CHANNELS = "do not hard-code 3 channels: take them from batch.shape[1], or compute all channels at once"


def _pixels(rng: torch.Generator, height: int, width: int, channels: int = 3) -> torch.Tensor:
    return torch.randint(0, 256, (height, width, channels), dtype=torch.uint8, generator=rng)


def _chw_mistakes(images: list[torch.Tensor]) -> dict[str, torch.Tensor]:
    """What plausible wrong versions of to_chw_batch give on ``images``."""
    height, width = images[0].shape[:2]
    mistakes = {"permute(2, 1, 0), which swaps H and W": torch.stack([i.permute(2, 1, 0)[:3] for i in images]),
                "the colour channels in reverse order (BGR)": torch.stack([i[:, :, :3].flip(2).permute(2, 0, 1) for i in images])}
    if all(i.shape[2] == 3 for i in images):
        mistakes[RESHAPE] = torch.stack([i.reshape(3, height, width) for i in images])
    if any(i.shape[2] == 4 for i in images):
        mistakes["keeping the last three channels (green, blue, alpha) instead of the first three"] = torch.stack(
            [i.permute(2, 0, 1)[-3:] for i in images])
    if all(i.shape[2] == 4 for i in images):
        mistakes["keeping the alpha channel"] = torch.stack([i.permute(2, 0, 1) for i in images])
    return mistakes


def _expect_chw_batch(student: Student, images: list[torch.Tensor], what: str, *, as_numpy: bool = True) -> None:
    with explaining("stack expects each tensor to be equal size", ALPHA_MIX):
        reply = student.probe("images.to_chw_batch", what=what, images=images, as_numpy=as_numpy)
    expected = reference.to_chw_batch(images)
    result = reply["result"]
    if isinstance(result, expect.RemoteTensor) and result.shape == tuple(expected.shape) and result.dtype != torch.uint8:
        raise fail(f"{what} has dtype {result.dtype}; expected torch.uint8: keep the pixels as they are (the notes' "
                   "batch is torch.zeros(..., dtype=torch.uint8)) and convert to float in normalize_per_channel")
    expect.tensor(result, expected, what=what, mistakes=_chw_mistakes(images))
    expect.data_unchanged({f"image {index}": image for index, image in enumerate(images)},
                          reply.get("images_after"), what=what)


@check(points=3, kind="correctness",
       hint="torch.from_numpy(img) is H×W×C; img_t.permute(2, 0, 1) makes it C×H×W; torch.stack the images along a new dim 0.")
def test_to_chw_batch_puts_channels_first(student: Student, rng: torch.Generator) -> None:
    """to_chw_batch stacks RGB images into a uint8 [N, 3, H, W] batch, pixel for pixel"""
    for count, height, width in ((4, 6, 9), (3, 8, 8)):
        images = [_pixels(rng, height, width) for _ in range(count)]
        _expect_chw_batch(student, images, f"to_chw_batch({count} RGB images of {height}×{width})")


@check(points=2, kind="correctness",
       hint="The alpha channel is the last of four: keep img_t[:3] after the permute (or img[:, :, :3] before it), as the notes do.")
def test_alpha_channel_is_dropped(student: Student, rng: torch.Generator) -> None:
    """to_chw_batch keeps red, green and blue of RGBA images, also when RGB and RGBA images are mixed"""
    rgba = [_pixels(rng, 5, 7, 4) for _ in range(3)]
    _expect_chw_batch(student, rgba, "to_chw_batch(3 RGBA images of 5×7)")
    mixed = [_pixels(rng, 5, 7, 3), _pixels(rng, 5, 7, 4), _pixels(rng, 5, 7, 3)]
    _expect_chw_batch(student, mixed, "to_chw_batch([RGB, RGBA, RGB] images of 5×7)")


def _expect_value_error(student: Student, images: list[torch.Tensor], what: str, mentions: str) -> None:
    reply = student.probe("images.to_chw_batch", what=what, images=images, catch=True)
    expect.raised(reply, "ValueError", what=what, mentions=mentions, should=f"name image {mentions}")


@check(points=1, kind="property",
       hint="Check each image before stacking: image.ndim == 3, image.shape[2] in (3, 4), and the same H×W as image 0; "
            "raise ValueError(f'image {index} ...').")
def test_bad_images_raise_value_error(student: Student, rng: torch.Generator) -> None:
    """An empty list, a grayscale image or images of different sizes raise ValueError naming the image"""
    _expect_value_error(student, [], "to_chw_batch([])", "")
    gray = [_pixels(rng, 4, 4), _pixels(rng, 4, 4), _pixels(rng, 4, 4)[:, :, 0]]
    _expect_value_error(student, gray, "to_chw_batch(images whose image 2 is a grayscale 4×4 array)", "2")
    sizes = [_pixels(rng, 4, 6), _pixels(rng, 4, 6), _pixels(rng, 4, 6), _pixels(rng, 6, 4)]
    _expect_value_error(student, sizes, "to_chw_batch(images whose image 3 is 6×4 where the others are 4×6)", "3")


@check(points=1, kind="correctness", hidden=True,
       hint="Treat tensors like arrays: torch.as_tensor(image) accepts both, and keeps a GPU tensor on its device.")
def test_to_chw_batch_on_random_tensors(student: Student, rng: torch.Generator) -> None:
    """to_chw_batch on torch tensors of random sizes, RGB and RGBA mixed"""
    count, height, width = (int(v) for v in torch.randint(1, 12, (3,), generator=rng))
    channels = torch.randint(3, 5, (count,), generator=rng).tolist()
    images = [_pixels(rng, height, width, c) for c in channels]
    _expect_chw_batch(student, images, f"to_chw_batch({count} image tensors of {height}×{width})", as_numpy=False)


def _batch(rng: torch.Generator, shape: tuple[int, ...], dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Values whose channels have clearly different means and spreads."""
    channels = shape[1]
    centre = torch.rand(1, channels, 1, 1, generator=rng, dtype=torch.float64) * 200 + 20
    spread = torch.rand(1, channels, 1, 1, generator=rng, dtype=torch.float64) * 40 + 5
    return (centre + spread * torch.randn(shape, generator=rng, dtype=torch.float64)).to(dtype)


def _normalize_mistakes(batch: torch.Tensor) -> dict[str, torch.Tensor]:
    x = batch.double()
    per_channel = (0, 2, 3)
    mean, std = x.mean(per_channel, keepdim=True), x.std(per_channel, keepdim=True)
    low, high = x.amin(per_channel, keepdim=True), x.amax(per_channel, keepdim=True)
    mistakes = {
        "one mean and std for the whole batch instead of one per channel": (x - x.mean()) / x.std(),
        "statistics per image and channel (over H and W only) instead of per channel over the whole batch":
            (x - x.mean((2, 3), keepdim=True)) / x.std((2, 3), keepdim=True),
        "the population std (unbiased=False); torch.std divides by n - 1":
            (x - mean) / x.std(per_channel, keepdim=True, unbiased=False),
        "subtracting the mean without dividing by the std": x - mean,
        "dividing by the std without subtracting the mean": x / std,
        "min-max scaling to [0, 1] instead of standardising": (x - low) / (high - low),
        "dividing by 255 only": x / 255,
    }
    if batch.shape[1] > 3:
        partial = ((x - mean) / std).clone()
        partial[:, 3:] = x[:, 3:]
        mistakes["normalising only the first 3 channels (" + HARD_CODED_CHANNELS + ")"] = partial
    return mistakes


def _expect_normalized(student: Student, batch: torch.Tensor, what: str) -> None:
    with explaining("out of bounds", HARD_CODED_CHANNELS):
        result = student.call("normalize_per_channel", batch, what=what).result
    expected = reference.normalize_per_channel(batch)
    if isinstance(result, expect.RemoteTensor) and result.shape == tuple(expected.shape) and result.dtype != expected.dtype:
        if not result.dtype.is_floating_point:
            raise fail(f"{what} has dtype {result.dtype}; expected {expected.dtype}: standardised values are "
                       "fractions, and arithmetic on integers wraps around or truncates. Convert first: batch.float()")
        raise fail(f"{what} has dtype {result.dtype}; expected {expected.dtype} "
                   "(float32 for an integer batch, the batch's own dtype for a floating one)")
    expect.tensor(result, expected, what=what, mistakes=_normalize_mistakes(batch))


@check(points=3, kind="correctness",
       hint="Per channel c: (batch[:, c] - batch[:, c].mean()) / batch[:, c].std(), the statistics over all images, rows "
            "and columns; vectorised: mean and std over dim=(0, 2, 3) with keepdim=True.")
def test_normalize_per_channel_matches_reference(student: Student, rng: torch.Generator) -> None:
    """normalize_per_channel standardises each channel with its own mean and std over the whole batch"""
    batch = _batch(rng, (6, 3, 5, 4))
    _expect_normalized(student, batch, "normalize_per_channel(a float32 batch [6, 3, 5, 4])")


INTEGER_BATCH = ("an integer batch of any integer dtype is standardised as float32: convert whenever "
                 "not batch.is_floating_point(), not only for uint8 (mean() refuses integer tensors)")


@check(points=1, kind="correctness",
       hint="Convert an integer batch (uint8, int64, ...) with batch.float() before any arithmetic, as the notes do.")
def test_normalize_per_channel_of_a_uint8_batch(student: Student, rng: torch.Generator) -> None:
    """normalize_per_channel of a uint8 batch (what to_chw_batch gives), or of an int64 one, is float32"""
    for dtype in (torch.uint8, torch.int64):
        batch = torch.randint(0, 256, (4, 3, 6, 6), dtype=dtype, generator=rng)
        with explaining("Long", INTEGER_BATCH), explaining("could not infer output dtype", INTEGER_BATCH):
            _expect_normalized(student, batch, f"normalize_per_channel(an integer batch [4, 3, 6, 6] of dtype {dtype})")


@check(points=1, kind="correctness", hint="Use batch.shape[1] channels, not 3: a grayscale batch has 1, an RGBA one 4.")
def test_normalize_per_channel_with_any_number_of_channels(student: Student, rng: torch.Generator) -> None:
    """normalize_per_channel works for 1 and for 5 channels"""
    for channels in (5, 1):
        batch = _batch(rng, (3, channels, 4, 4))
        _expect_normalized(student, batch, f"normalize_per_channel(a batch with {channels} channel(s))")


@check(points=1, kind="correctness", hidden=True,
       hint="A float64 batch stays float64; compute the statistics in the batch's own dtype.")
def test_normalize_per_channel_on_random_batches(student: Student, rng: torch.Generator) -> None:
    """normalize_per_channel on random shapes, in float32 and float64"""
    for dtype in (torch.float32, torch.float64):
        shape = tuple(int(v) for v in torch.randint(2, 7, (4,), generator=rng))
        _expect_normalized(student, _batch(rng, shape, dtype), f"normalize_per_channel(a {dtype} batch {list(shape)})")


@check(points=1, kind="property",
       hint="The notes' loop writes batch[:, c] = ... into the caller's tensor; compute a new tensor instead.")
def test_batch_is_not_modified(student: Student, rng: torch.Generator) -> None:
    """normalize_per_channel leaves the batch it is given as it was"""
    batch = _batch(rng, (3, 3, 4, 4))
    call = student.call("normalize_per_channel", batch, return_args=True, what="normalize_per_channel(batch)")
    expect.unchanged([batch], call.args_after, names=["batch"], what="normalize_per_channel(batch)")


@check(points=1, kind="property",
       hint="Dividing by a std of 0 gives NaN or inf; check the stds first and raise ValueError naming the channel. "
            "Check batch.dim() == 4 first, too: a single image [C, H, W] is not a batch.")
def test_constant_channel_raises_value_error(student: Student, rng: torch.Generator) -> None:
    """A channel with one value everywhere (std 0), or a batch that is not 4-D, raises ValueError"""
    batch = _batch(rng, (3, 4, 3, 3))
    batch[:, 2] = 0.25
    outcome: dict[str, Any] = student.probe("common.raises", what="normalize_per_channel(channel 2 constant)",
                                            name="normalize_per_channel", args=[batch])
    what = "normalize_per_channel(a batch whose channel 2 is 0.25 everywhere)"
    expect.raised(outcome, "ValueError", what=what, mentions="2", should="name channel 2",
                  why=": dividing by the std 0 of that channel gives NaN or inf, which would poison everything "
                      "trained on it")
    image = _batch(rng, (1, 3, 4, 4))[0]
    outcome = student.probe("common.raises", what="normalize_per_channel(a 3-D image)",
                            name="normalize_per_channel", args=[image])
    expect.raised(outcome, "ValueError", what="normalize_per_channel(a single image [3, 4, 4], not a 4-D batch)",
                  why=": the stub promises ValueError for a batch that is not 4-D [N, C, H, W] (check batch.dim() "
                      "before computing anything)")
