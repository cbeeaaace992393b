"""Exercise ``thermometer``: fit t_c = w * t_u + b with a gradient written by hand.

From the course notes 002, "learning" (the thermometer example). Eleven readings of an
unknown thermometer, ``t_u``, were taken at known temperatures in Celsius, ``t_c``:

    t_c = [0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0]
    t_u = [35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4]

The model is linear, t_p = w * t_u + b, and the loss the mean squared error. You write the
derivative of the loss with respect to (w, b) yourself, with the chain rule, and the
training loop that uses it. No autograd in this file: no ``.backward()``, no
``torch.autograd``.

Every function takes and returns tensors (float32 unless you are given float64), works on
CPU and CUDA alike, and never modifies its inputs.

Check your work with ``grader check thermometer``.
"""

from __future__ import annotations

from torch import Tensor


def model(t_u: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """The linear model: t_p = w * t_u + b, elementwise.

    In:  ``t_u`` of shape [N]; ``w`` and ``b`` 0-dim tensors (or Python floats).
    Out: ``t_p`` of shape [N], same dtype and device as ``t_u``.

    Example (notes 002): model(t_u, torch.tensor(1.0), torch.tensor(0.0)) is t_u itself.

    Pitfalls: w multiplies the reading and b is added, not the other way round.
    """
    raise NotImplementedError("model: not implemented yet")


def loss_fn(t_p: Tensor, t_c: Tensor) -> Tensor:
    """Mean squared error: mean over the N samples of (t_p - t_c) ** 2, a 0-dim tensor.

    Example (notes 002): with w = 1, b = 0 the predictions are t_u themselves and
    loss_fn(t_u, t_c) = 1763.8848 (the notes' "Epoch 1: Loss 1763.884766").

    Pitfalls: the mean, not the sum; square the differences (not abs); return a 0-dim
    tensor, not a Python float.
    """
    raise NotImplementedError("loss_fn: not implemented yet")


def grad_fn(t_u: Tensor, t_c: Tensor, t_p: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """The gradient of ``loss_fn(model(t_u, w, b), t_c)`` with respect to (w, b), by hand.

    The chain rule, as the notes split it:
        dloss/dt_p = 2 * (t_p - t_c) / N          (one value per sample)
        dt_p/dw    = t_u,    dt_p/db = 1
        dloss/dw   = sum over the samples of dloss/dt_p * t_u
        dloss/db   = sum over the samples of dloss/dt_p

    In:  ``t_u``, ``t_c`` and ``t_p = model(t_u, w, b)`` of shape [N]; ``w``, ``b`` 0-dim.
    Out: a tensor of shape [2], [dloss/dw, dloss/db] in that order (``torch.stack``).

    Example (notes 002): at w = 1, b = 0 on the raw readings the gradient is
    [4517.2964, 82.6000].

    Pitfalls: the factor 2 of the square; dividing by N (the loss is a mean); the sign
    (t_p - t_c, not t_c - t_p); dt_p/db is 1, not t_u; [dw, db] in this order; a tuple
    or a list instead of one tensor; no autograd.
    """
    raise NotImplementedError("grad_fn: not implemented yet")


def training_loop(n_epochs: int, learning_rate: float, params: Tensor, t_u: Tensor, t_c: Tensor) -> Tensor:
    """Full-batch gradient descent on (w, b) for ``n_epochs`` epochs; the final params.

    For epoch = 1, 2, ..., n_epochs (counted from 1, as the notes print them):
        w, b = params;  t_p = model(t_u, w, b);  loss = loss_fn(t_p, t_c)
        if the loss is not finite (inf or NaN): raise ValueError naming this epoch,
            e.g. "epoch 11: the loss is inf, training diverged"
        params = params - learning_rate * grad_fn(t_u, t_c, t_p, w, b)
    Printing the loss (say every 500 epochs) is welcome but optional.

    In:  ``params`` a float tensor [2] holding (w, b), without requires_grad; ``t_u``,
         ``t_c`` of shape [N].
    Out: the params after the last update, a new tensor [2] (the caller's ``params`` is
         left as it was).

    Examples (notes 002), all from params = [1.0, 0.0]:
      - raw t_u, lr 1e-4, 100 epochs -> about [0.2327, -0.0438] (loss 29.02: too slow);
      - raw t_u, lr 1e-2: the loss explodes, 1763.88, 5802484.5, ..., and is inf at
        epoch 11 -> ValueError whose message names epoch 11;
      - t_un = 0.1 * t_u, lr 1e-2, 5000 epochs -> about [5.3671, -17.3012], loss 2.927647.

    Pitfalls: ``+`` instead of ``-`` (the gradient points uphill); ``params -= ...``,
    which changes the caller's tensor; testing only for NaN (the loss is inf a dozen
    epochs before it becomes NaN: use ``torch.isfinite``); counting epochs from 0;
    n_epochs - 1 updates instead of n_epochs.
    """
    raise NotImplementedError("training_loop: not implemented yet")
