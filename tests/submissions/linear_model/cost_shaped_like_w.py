"""Mistake: cost() reshapes the mean to w's shape (as gradient() must), so a one-element w gives [1], not 0-dim.

Fails: cost_is_mean_squared_error (failed): has shape [1]; expected []
"""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    return ((forward(xs, w) - ys) ** 2).mean().reshape(w.shape)


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
