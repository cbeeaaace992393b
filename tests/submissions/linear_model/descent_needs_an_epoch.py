"""Mistake: gradient_descent() first assigns w inside the loop, so 0 epochs (valid: epochs >= 0) raise UnboundLocalError.

Fails: gradient_descent_converges_on_the_notes_data (error): for 0 epochs raised UnboundLocalError
"""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    return ((forward(xs, w) - ys) ** 2).mean()


def gradient(xs, ys, w):
    return (2 * xs * (forward(xs, w) - ys)).mean().reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    costs = []
    for epoch in range(epochs):
        current = w0 if epoch == 0 else w
        costs.append(cost(xs, ys, current).item())
        w = current - lr * gradient(xs, ys, current)
    return w, costs


def sgd(xs, ys, w0, lr, epochs):
    w = w0.detach().clone()
    losses = []
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            w = w - lr * 2 * x * (x * w - y)
        losses.append(((xs[-1] * w - ys[-1]) ** 2).item())
    return w, losses
