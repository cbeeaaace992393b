"""Mistake: gradient_descent() works on w as a Python float and returns torch.tensor(w), so a [1] w0 comes back 0-dim.

Fails: gradient_descent_converges_on_the_notes_data (failed): shaped like w0
"""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    return ((forward(xs, w) - ys) ** 2).mean()


def gradient(xs, ys, w):
    return (2 * xs * (forward(xs, w) - ys)).mean().reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = float(w0)
    costs = []
    for _ in range(epochs):
        costs.append(cost(xs, ys, torch.tensor(w, dtype=xs.dtype)).item())
        w = w - lr * float(gradient(xs, ys, torch.tensor(w, dtype=xs.dtype)))
    return torch.tensor(w, dtype=w0.dtype), costs


def sgd(xs, ys, w0, lr, epochs):
    w = w0.detach().clone()
    losses = []
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            w = w - lr * 2 * x * (x * w - y)
        losses.append(((xs[-1] * w - ys[-1]) ** 2).item())
    return w, losses
