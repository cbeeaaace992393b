"""Mistake: the gradient has the sign flipped, mean(2*x*(y - x*w)), so descent walks uphill.

Fails: gradient_matches_autograd (failed): flipping the sign
"""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    return ((forward(xs, w) - ys) ** 2).mean()


def gradient(xs, ys, w):
    error = ys - forward(xs, w)
    grad = (2 * xs * error).mean()
    return grad.reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = w0.clone()
    cost_history = []
    for epoch in range(epochs):
        cost_history.append(cost(xs, ys, w).item())
        w = w - lr * gradient(xs, ys, w)
    return w, cost_history


def sgd(xs, ys, w0, lr, epochs):
    w = w0.clone()
    loss_history = []
    for epoch in range(epochs):
        for x, y in zip(xs, ys):
            w = w - lr * 2 * x * (x * w - y)
            l = (x * w - y) ** 2
        loss_history.append(l.item())
    return w, loss_history
