"""Reference for ``device``: choosing where to train, and the notes' training loop that moves each batch there."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn
from torch.utils.data import DataLoader


def pick_device() -> torch.device:
    """``torch.device('cuda')`` when PyTorch sees a CUDA GPU, else ``torch.device('cpu')``."""
    return torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")


def training_loop(n_epochs: int, optimizer: torch.optim.Optimizer, model: nn.Module,
                  loss_fn: Callable[[Tensor, Tensor], Tensor], train_loader: DataLoader,
                  device: str | torch.device) -> list[float]:
    """Train ``model`` (already on ``device``) for ``n_epochs``; the mean batch loss of each epoch."""
    losses = []
    for _ in range(n_epochs):
        loss_train = 0.0
        for imgs, labels in train_loader:
            imgs, labels = imgs.to(device=device), labels.to(device=device)
            loss = loss_fn(model(imgs), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_train += loss.item()
        losses.append(loss_train / len(train_loader))
    return losses
