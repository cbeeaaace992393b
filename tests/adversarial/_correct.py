"""The functions of linear_model done right, self-contained: each hostile submission imports what it
does not attack from here, so that its verdict shows exactly where the damage was done and stayed."""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    return ((xs * w - ys) ** 2).mean()


def gradient(xs, ys, w):
    return (2 * xs * (xs * w - ys)).mean().reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    w, costs = w0.detach().clone(), []
    for _ in range(epochs):
        costs.append(((xs * w - ys) ** 2).mean().item())
        w = w - lr * (2 * xs * (xs * w - ys)).mean().reshape(w.shape)
    return w, costs


def sgd(xs, ys, w0, lr, epochs):
    w, losses = w0.detach().clone(), []
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            w = w - lr * 2 * x * (x * w - y)
        losses.append(((xs[-1] * w - ys[-1]) ** 2).item())
    return w, losses
