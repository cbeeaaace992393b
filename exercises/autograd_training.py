"""Exercise ``autograd_training``: the thermometer again, now with autograd, an optimizer and a validation set.

From the course notes 002, "autograd" (``training_loop(n_epochs, optimizer, params, ...)``
and "splitting a training and a validation set"), and 001 §4 (gradients accumulate:
zero them every step; keep losses as Python numbers with ``.item()``).

The notes' data: t_c = [0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0],
t_u = [35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4], normalised as
t_un = 0.1 * t_u. ``model`` and ``loss_fn`` are given below; you write the split and the loop.

Check your work with ``grader check autograd_training``.
"""

from __future__ import annotations

import torch
from torch import Tensor


def model(t_u: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """The linear model of the notes (given): t_p = w * t_u + b."""
    return w * t_u + b


def loss_fn(t_p: Tensor, t_c: Tensor) -> Tensor:
    """The mean squared error of the notes (given), a 0-dim tensor."""
    return ((t_p - t_c) ** 2).mean()


def split_train_val(n: int, val_fraction: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Shuffle the indices 0 .. n-1 and split them into (train_indices, val_indices).

    As the notes do: n_val = int(val_fraction * n) (rounded down), shuffled =
    torch.randperm(n, generator=generator); the LAST n_val shuffled indices are the
    validation set, the others the training set.

    In:  ``n`` samples; ``val_fraction`` strictly between 0 and 1; ``generator`` a
         ``torch.Generator`` that alone decides the shuffle (the same seed gives the same
         split whatever else the program did with torch's global random state).
    Out: two 1-D int64 tensors, disjoint, together holding every index 0 .. n-1 once:
         n - n_val training indices and n_val validation indices.
    Errors: ValueError when val_fraction is not strictly between 0 and 1, or when
         int(val_fraction * n) is 0 (there would be no validation set).

    Example (notes 002): n = 11, val_fraction = 0.2 -> 9 training and 2 validation
    indices; with torch.Generator().manual_seed(17): ([5, 6, 4, 9, 0, 1, 3, 8, 7], [10, 2]).

    Pitfalls: torch.randperm without ``generator=`` (the global RNG); round() instead of
    int(); the notes' ``shuffled[:-n_val]`` is EMPTY when n_val is 0 (shuffled[:-0] is
    shuffled[:0]), hence the ValueError; torch.randint, which repeats indices.
    """
    raise NotImplementedError("split_train_val: not implemented yet")


def training_loop(
    n_epochs: int,
    optimizer: torch.optim.Optimizer,
    params: Tensor,
    train_t_u: Tensor,
    val_t_u: Tensor,
    train_t_c: Tensor,
    val_t_c: Tensor,
) -> tuple[Tensor, dict[str, list[float]]]:
    """Fit ``params`` = (w, b) on the training set for ``n_epochs`` epochs with ``optimizer``.

    Each epoch, as the notes:
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        with torch.no_grad():          # validation builds no autograd graph
            val_loss = loss_fn(model(val_t_u, *params), val_t_c)
        optimizer.zero_grad(); train_loss.backward(); optimizer.step()
    and record train_loss.item() and val_loss.item() (losses before that epoch's step).

    In:  ``params`` a float tensor [2] with requires_grad=True, the one ``optimizer``
         updates (any torch.optim optimizer: SGD, Adam...); the four data tensors [N].
    Out: (params, history): the same params tensor, trained in place by the optimizer,
         and history = {"train_loss": [...], "val_loss": [...]}, n_epochs Python floats each.
         The data tensors are left as they were.

    Example (notes 002): the notes' split above, t_un, params [1.0, 0.0], SGD lr 1e-2:
    epochs 1-3 train 66.5811, 38.8626, 33.3475 and validation 142.3890, 64.0434,
    39.4590; after 3000 epochs train 3.0125, validation 3.5756, params [5.1964, -16.7512].

    Pitfalls: forgetting optimizer.zero_grad() (gradients add up over the epochs);
    zero_grad() between backward() and step(); the validation loss computed with
    autograd on (a graph built and never used); the validation loss added to the loss you
    backpropagate (then you train on the validation set); updating params by hand
    instead of optimizer.step() (an Adam optimizer would be ignored); storing loss
    tensors instead of ``.item()``.
    """
    raise NotImplementedError("training_loop: not implemented yet")
