"""Mistake: gradient_descent() steps with autograd's gradient (cost.backward()) instead of gradient(), in a file where autograd is not allowed.

Fails: gradient_does_not_use_autograd (forbidden): without autograd
"""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    return ((forward(xs, w) - ys) ** 2).mean()


def gradient(xs, ys, w):
    return (2 * xs * (forward(xs, w) - ys)).mean().reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = w0.detach().clone()
    costs = []
    for _ in range(epochs):
        leaf = w.clone().requires_grad_(True)
        loss = cost(xs, ys, leaf)
        costs.append(loss.item())
        loss.backward()
        w = w - lr * leaf.grad
    return w, costs


def sgd(xs, ys, w0, lr, epochs):
    w = w0.detach().clone()
    losses = []
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            w = w - lr * 2 * x * (x * w - y)
        losses.append(((xs[-1] * w - ys[-1]) ** 2).item())
    return w, losses
