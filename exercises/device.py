"""Exercise ``device``: choosing a device and training on it.

From the course notes 002, "training on the GPU" (``device = torch.device('cuda') if
torch.cuda.is_available() else torch.device('cpu')``, then ``imgs.to(device=device)`` in the
loop), and 000 "CUDA". A tensor lives on one device (``t.device``); an operation needs all
its tensors on the same device, so the model is moved once
(``model = Net().to(device=device)``) and every batch the loader yields (on the CPU) is moved
inside the loop.

Your code must run unchanged on a machine with a GPU and on one without, and give the same
results on the CPU as the notes' loop.

Check your work with ``grader check device``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn
from torch.utils.data import DataLoader


def pick_device() -> torch.device:
    """The device to train on: the GPU when PyTorch can use one, else the CPU.

    Out: ``torch.device('cuda')`` if ``torch.cuda.is_available()``, else
         ``torch.device('cpu')`` — a ``torch.device`` object, not a string.

    Example (notes 002): on a laptop without CUDA, pick_device() -> device(type='cpu');
    on a machine with an NVIDIA GPU -> device(type='cuda').

    Pitfalls: returning 'cuda' without asking ``torch.cuda.is_available()`` (the code then
    fails on every machine without a GPU); returning a string.
    """
    raise NotImplementedError("pick_device: not implemented yet")


def training_loop(n_epochs: int, optimizer: torch.optim.Optimizer, model: nn.Module,
                  loss_fn: Callable[[Tensor, Tensor], Tensor], train_loader: DataLoader,
                  device: str | torch.device) -> list[float]:
    """The notes' GPU training loop: train ``model`` on ``device`` for ``n_epochs`` epochs.

    In:  ``model`` already on ``device`` (the caller did ``model.to(device)`` before building
         ``optimizer`` over its parameters); ``loss_fn(outputs, labels)`` e.g.
         ``nn.CrossEntropyLoss()``; ``train_loader`` yields ``(imgs, labels)`` batches on the
         CPU and has ``len(train_loader)`` batches; ``device`` a ``torch.device`` or a string
         such as "cpu" or "cuda".
    Each batch: move imgs AND labels to ``device`` (``.to(device=device)``), compute the
    outputs and the loss, ``optimizer.zero_grad()``, ``loss.backward()``, ``optimizer.step()``.
    Out: a list of ``n_epochs`` Python floats: for each epoch the mean of its batch losses,
         ``loss_train / len(train_loader)`` as the notes print (add ``loss.item()``, a
         float, not ``loss``, to ``loss_train``). Printing progress is allowed.

    Use the ``device`` you are given, not ``pick_device()`` or a global: the caller decides.

    Example (notes 002): model = Net().to(device=device); optimizer = optim.SGD(
    model.parameters(), lr=1e-2); training_loop(100, optimizer, model, nn.CrossEntropyLoss(),
    train_loader, device) -> [0.559, ..., 0.144] (the notes' epoch 1 and epoch 100).

    Pitfalls: moving the images but not the labels (the loss then mixes devices on a GPU);
    ``imgs.to(device)`` without assigning the result (``.to`` returns a new tensor, it does
    not move ``imgs`` in place); ``loss_train += loss``, which keeps every batch's autograd
    graph alive; dividing by the number of samples instead of batches; forgetting
    ``zero_grad()``.
    """
    raise NotImplementedError("training_loop: not implemented yet")
