"""Mistake: forward() flattens x to one dimension, so a [B, N] batch comes back as [B * N].

Fails: forward_matches_reference (failed): has shape [15]; expected [3, 5]
"""
import torch


def forward(x, w):
    return x.reshape(-1) * w


def cost(xs, ys, w):
    return ((forward(xs, w) - ys) ** 2).mean()


def gradient(xs, ys, w):
    return (2 * xs * (forward(xs, w) - ys)).mean().reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = w0.detach().clone()
    costs = []
    for _ in range(epochs):
        costs.append(cost(xs, ys, w).item())
        w = w - lr * gradient(xs, ys, w)
    return w, costs


def sgd(xs, ys, w0, lr, epochs):
    w = w0.detach().clone()
    losses = []
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            w = w - lr * 2 * x * (x * w - y)
        losses.append(((xs[-1] * w - ys[-1]) ** 2).item())
    return w, losses
