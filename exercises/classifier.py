"""Exercise ``classifier``: the notes' fully connected classifier for CIFAR-2, and its training epoch.

From the course notes 002, "CIFAR-2" (birds and airplanes): each 3×32×32 image is
flattened into 3072 numbers, a Linear layer with Tanh maps them to a hidden layer, a
second Linear layer to one score per class, and LogSoftmax turns the scores into
log-probabilities, so that ``nn.NLLLoss`` (the negative log-likelihood) is the loss.
The notes train it with ``optim.SGD(model.parameters(), lr=1e-2)`` on shuffled batches
of 64 and reach an accuracy of 0.82 on the validation images.

The grader trains your model with your ``train_epoch`` on its offline stand-in for
CIFAR-2 (``grader/shared/data/images.py``) and measures the accuracy on images it never showed.

Check your work with ``grader check classifier``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import Tensor, nn


def make_fc_classifier(n_in: int, n_hidden: int, n_out: int) -> nn.Sequential:
    """The notes' model: Linear(n_in, n_hidden) → Tanh → Linear(n_hidden, n_out) → LogSoftmax(dim=1).

    Out: an ``nn.Sequential`` of exactly these four modules, in this order, so that its
    ``state_dict`` has the keys 0.weight [n_hidden, n_in], 0.bias, 2.weight
    [n_out, n_hidden] and 2.bias (the grader loads weights by these names). Called on a
    float32 batch [N, n_in] it returns float32 [N, n_out] log-probabilities:
    ``out.exp().sum(dim=1)`` is 1 for every sample.

    Example (notes 002): make_fc_classifier(3072, 512, 2) has 1,574,402 parameters
    ([1572864, 512, 1024, 2] by tensor).

    Pitfalls: ``nn.Softmax`` gives probabilities, and NLLLoss on probabilities is not
    the negative log-likelihood; without the last layer the outputs are raw scores
    (for those, the loss would be ``nn.CrossEntropyLoss``); ``LogSoftmax(dim=0)``
    normalises over the batch instead of the classes; ReLU instead of the notes' Tanh.
    """
    raise NotImplementedError("make_fc_classifier: not implemented yet")


def train_epoch(
    model: nn.Module,
    loader: Iterable[tuple[Tensor, Tensor]],
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
) -> float:
    """Train ``model`` for one epoch: one optimizer step per batch of ``loader``.

    In:  a model taking flat inputs [B, n_in] (like ``make_fc_classifier``'s); a loader
         yielding (imgs, labels) batches, imgs of any shape [B, ...] (e.g. [B, 3, 32, 32])
         and labels int64 [B], on the CPU; an optimizer over the model's parameters; a loss
         function such as ``nn.NLLLoss()`` returning the mean loss of a batch.
    Out: the epoch's mean loss per sample, a Python float: the sum over the batches of
         ``loss.item() * batch_size``, divided by the number of samples (the last batch
         may be shorter). Each batch's loss is the one computed before its step.

    Per batch, as the notes do: put the model in training mode (``model.train()``, once
    before the loop), move the batch to the device of the model's parameters, flatten
    each image (``imgs.view(imgs.shape[0], -1)``), compute the outputs and the loss,
    then ``optimizer.zero_grad()``, ``loss.backward()``, ``optimizer.step()``.

    Errors: a loader that yields no samples -> ValueError.

    Pitfalls: forgetting ``zero_grad()`` (each step then uses the sum of all gradients
    so far); calling it between ``backward()`` and ``step()`` (nothing is ever learnt);
    hard-coding 3072 in the flatten; returning the last batch's loss (what the notes
    print), the mean of the batch means, or a tensor (``total += loss`` keeps every
    batch's graph alive: use ``loss.item()``).
    """
    raise NotImplementedError("train_epoch: not implemented yet")
