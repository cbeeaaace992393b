"""Reference for ``linear_model``: the linear model y = x * w fitted by a gradient written by hand."""

from __future__ import annotations

from torch import Tensor


def forward(x: Tensor, w: Tensor) -> Tensor:
    """Predictions ``x * w``, elementwise (w is 0-dim or has one element)."""
    return x * w


def cost(xs: Tensor, ys: Tensor, w: Tensor) -> Tensor:
    """Mean squared error of the predictions over all samples, a 0-dim tensor."""
    return ((forward(xs, w) - ys) ** 2).mean()


def gradient(xs: Tensor, ys: Tensor, w: Tensor) -> Tensor:
    """d cost / d w = mean(2 * x * (x * w - y)), shaped like ``w`` (as ``w.grad`` would be)."""
    return (2 * xs * (forward(xs, w) - ys)).mean().reshape(w.shape)


def gradient_descent(
    xs: Tensor, ys: Tensor, w0: Tensor, lr: float, epochs: int
) -> tuple[Tensor, list[float]]:
    """Full-batch gradient descent from ``w0``: the final w and the cost before each epoch's update."""
    w = w0.detach().clone()
    costs = []
    for _ in range(epochs):
        costs.append(cost(xs, ys, w).item())
        w = w - lr * gradient(xs, ys, w)
    return w, costs


def sgd(xs: Tensor, ys: Tensor, w0: Tensor, lr: float, epochs: int) -> tuple[Tensor, list[float]]:
    """One update per sample, in order: the final w and, per epoch, the last sample's loss after its update."""
    if len(xs) == 0:
        raise ValueError("sgd needs at least one sample, but xs is empty")
    w = w0.detach().clone()
    losses = []
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            w = w - lr * 2 * x * (x * w - y)
        losses.append(((xs[-1] * w - ys[-1]) ** 2).item())
    return w, losses
