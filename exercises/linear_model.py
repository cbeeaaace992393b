"""Exercise ``linear_model``: gradient descent written by hand for the model y = x * w.

From the course notes 004 ("gradient descent", "stochastic gradient descent"), 001 §2-3 and
002 "learning". The notes fit w on x_data = [1., 2., 3.], y_data = [2., 4., 6.] starting from
w = 1.0 with a learning rate of 0.01 for 100 epochs; the right answer is w = 2.

Here every function takes and returns tensors (float32 unless you are given float64), works
on CPU and CUDA alike, and never modifies its inputs. Autograd is not allowed in this file:
no ``.backward()``, no ``torch.autograd.grad``.

Check your work with ``grader check linear_model``.
"""

from __future__ import annotations

from torch import Tensor


def forward(x: Tensor, w: Tensor) -> Tensor:
    """Predict y_hat = x * w, elementwise.

    In:  ``x`` any shape (e.g. [N]); ``w`` a 0-dim or one-element tensor (the single weight).
    Out: a tensor shaped like ``x * w`` (broadcasting), same dtype and device.

    Example (notes 004): forward(torch.tensor([1., 2., 3.]), torch.tensor(1.0))
    -> tensor([1., 2., 3.]).

    Pitfalls: no Python loop over the samples; do not change ``x`` or ``w`` in place.
    """
    raise NotImplementedError("forward: not implemented yet")


def cost(xs: Tensor, ys: Tensor, w: Tensor) -> Tensor:
    """Mean squared error: cost = (1/N) * sum over n of (x_n * w - y_n) ** 2.

    In:  ``xs``, ``ys`` of shape [N]; ``w`` 0-dim or one element.
    Out: a 0-dim tensor (call ``.item()`` on it to get a Python float).

    Example (notes 004): xs = [1., 2., 3.], ys = [2., 4., 6.], w = 1.0
    -> errors -1, -2, -3 -> cost = (1 + 4 + 9) / 3 = 4.6667.

    Pitfalls: mean, not sum; square the error (not abs); return a 0-dim tensor, not a
    [N] tensor or a Python float. Reuse ``forward``.
    """
    raise NotImplementedError("cost: not implemented yet")


def gradient(xs: Tensor, ys: Tensor, w: Tensor) -> Tensor:
    """The derivative of ``cost`` with respect to w, worked out by hand.

    d cost / d w = (1/N) * sum over n of 2 * x_n * (x_n * w - y_n)   (the chain rule, notes 004).

    In:  ``xs``, ``ys`` of shape [N]; ``w`` 0-dim or one element.
    Out: a tensor with exactly the shape of ``w`` (0-dim for a 0-dim w, [1] for a [1] w),
    just as ``w.grad`` would be.

    Example (notes 004): xs = [1., 2., 3.], ys = [2., 4., 6.], w = 1.0
    -> (2*1*(-1) + 2*2*(-2) + 2*3*(-3)) / 3 = -28 / 3 = -9.3333.

    Pitfalls: the factor 2 from the derivative of the square; mean, not sum; the sign
    (x * w - y, not y - x * w); no autograd; return w's shape, not [N] and not a float.
    """
    raise NotImplementedError("gradient: not implemented yet")


def gradient_descent(
    xs: Tensor, ys: Tensor, w0: Tensor, lr: float, epochs: int
) -> tuple[Tensor, list[float]]:
    """Full-batch gradient descent, as the notes' loop ``w -= 0.01 * grad_val``.

    Start from a copy of ``w0``. In each of the ``epochs`` epochs: first record the cost at
    the current w (as a Python float), then take one step w = w - lr * gradient(xs, ys, w)
    using all the samples at once.

    In:  ``xs``, ``ys`` of shape [N]; ``w0`` 0-dim or one element; ``lr`` > 0; ``epochs`` >= 0.
    Out: (the final w, shaped like w0; a list of ``epochs`` floats, the cost BEFORE each
    epoch's update).

    Example (notes 004): xs = [1., 2., 3.], ys = [2., 4., 6.], w0 = torch.tensor(1.0),
    lr = 0.01, 100 epochs -> w ~ 2.0000 (within 1e-3); costs start at 4.6667 and never
    increase.

    Pitfalls: ``+`` instead of ``-`` in the update (w runs away); recording the cost after
    the update instead of before; changing ``w0`` in place (``w0 -= ...`` modifies the
    caller's tensor: work on a copy or update out of place).
    """
    raise NotImplementedError("gradient_descent: not implemented yet")


def sgd(xs: Tensor, ys: Tensor, w0: Tensor, lr: float, epochs: int) -> tuple[Tensor, list[float]]:
    """Stochastic gradient descent: one update per sample, in order.

    Start from a copy of ``w0``. In each epoch, for each (x, y) pair in order, update
    w = w - lr * 2 * x * (x * w - y) (the gradient of that ONE sample's loss), then compute
    that sample's loss (x * w - y) ** 2 with the updated w. Record, per epoch, the loss of
    the LAST sample of the epoch (as a Python float).

    In:  ``xs``, ``ys`` of shape [N], N >= 1; ``w0`` 0-dim or one element.
    Out: (the final w, shaped like w0; a list of ``epochs`` floats).

    Example (notes 004): xs = [1., 2., 3.], ys = [2., 4., 6.], w0 = 1.0, lr = 0.01,
    100 epochs -> w ~ 2.0 and the recorded losses shrink towards 0.

    Pitfalls: a full-batch step per epoch (that is ``gradient_descent``, not SGD); the
    loss computed before the update; the mean loss of the epoch instead of the last
    sample's; changing ``w0`` in place.
    """
    raise NotImplementedError("sgd: not implemented yet")
