"""The real data sets of the notes, read through ``torchvision.datasets`` from files already on disk.

Nothing here downloads: every loader passes ``download=False`` and, when the files are not
in ``root``, raises :class:`FileNotFoundError` naming the folder and how to get them. The
offline stand-ins (:mod:`grader.shared.data.images`, :mod:`grader.shared.data.tables`) need no files.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torchvision import datasets

#: The notes' per-channel statistics of CIFAR-10's training images, for ``transforms.Normalize``.
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2470, 0.2435, 0.2616)
#: The notes' ``label_map``: CIFAR-10's airplane (0) and bird (2) become 0 and 1.
CIFAR2_LABEL_MAP = {0: 0, 2: 1}
CIFAR2_CLASS_NAMES = ("airplane", "bird")

_CIFAR_FILES = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5",
                "test_batch", "batches.meta")
_MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")


def _require(folder: Path, names: tuple[str, ...], dataset: str, how: str) -> None:
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{dataset} is not on disk: {folder} lacks {', '.join(missing)}. The grader never downloads; "
            f"{how}, then try again (or use the offline stand-in in grader.shared.data)."
        )


def cifar2(root: str | Path, train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """The notes' CIFAR-2: CIFAR-10's airplanes (label 0) and birds (label 1), normalised.

    Returns images float32 [N, 3, 32, 32], normalised per channel with the notes'
    :data:`CIFAR_MEAN` and :data:`CIFAR_STD` (what ``ToTensor`` then ``Normalize`` give), and
    labels int64 [N], in the files' order (10,000 images for train, 2,000 for validation).
    ``root`` is the folder that holds ``cifar-10-batches-py``, as for ``datasets.CIFAR10``.
    """
    root = Path(root)
    _require(root / "cifar-10-batches-py", _CIFAR_FILES, "CIFAR-10",
             f"run torchvision.datasets.CIFAR10({str(root)!r}, download=True) once on a machine with internet "
             f"access, or extract cifar-10-python.tar.gz (https://www.cs.toronto.edu/~kriz/cifar.html) into {root}")
    try:
        cifar10 = datasets.CIFAR10(str(root), train=train, download=False)
    except RuntimeError as exc:
        raise RuntimeError(f"the CIFAR-10 files in {root / 'cifar-10-batches-py'} are incomplete or corrupted "
                           f"(torchvision says: {exc}); extract cifar-10-python.tar.gz there again") from None
    targets = torch.as_tensor(cifar10.targets, dtype=torch.int64)
    keep = torch.isin(targets, torch.tensor(list(CIFAR2_LABEL_MAP)))
    pixels = torch.from_numpy(cifar10.data)[keep].permute(0, 3, 1, 2).float().div_(255)
    mean = torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    labels = torch.zeros_like(targets[keep])
    for original, mapped in CIFAR2_LABEL_MAP.items():
        labels[targets[keep] == original] = mapped
    return (pixels - mean) / std, labels


def mnist(root: str | Path, train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST's digits as the notes load them: images float32 [N, 1, 28, 28] in [0, 1], labels int64 [N].

    ``root`` is the folder that holds ``MNIST/raw``, as for ``datasets.MNIST`` (60,000
    training images, 10,000 test images). The pixels are scaled to [0, 1] as
    ``transforms.ToTensor`` does; nothing else is normalised.
    """
    root = Path(root)
    _require(root / "MNIST" / "raw", _MNIST_FILES, "MNIST",
             f"run torchvision.datasets.MNIST({str(root)!r}, download=True) once on a machine with internet "
             f"access, or put the four unzipped idx files into {root / 'MNIST' / 'raw'}")
    digits = datasets.MNIST(str(root), train=train, download=False)
    images = digits.data.unsqueeze(1).float().div_(255)
    return images, digits.targets.to(torch.int64)
