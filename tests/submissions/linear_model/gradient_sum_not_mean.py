"""Mistake: the gradient sums 2*x*(x*w - y) over the samples instead of averaging it.

Fails: gradient_matches_autograd (failed): a sum instead of a mean

The cost is a mean but the gradient forgets to divide by N (the notes' `return grad / len(xs)`).
"""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    y_pred = forward(xs, w)
    return torch.mean((y_pred - ys) ** 2)


def gradient(xs, ys, w):
    grad = torch.sum(2 * xs * (xs * w - ys))
    return grad.reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = w0.clone()
    costs = []
    for epoch in range(epochs):
        cost_val = cost(xs, ys, w)
        costs.append(float(cost_val))
        grad_val = gradient(xs, ys, w)
        w = w - lr * grad_val
    return w, costs


def sgd(xs, ys, w0, lr, epochs):
    w = w0.clone()
    losses = []
    for epoch in range(epochs):
        for x, y in zip(xs, ys):
            grad = 2 * x * (x * w - y)
            w = w - lr * grad
            l = (x * w - y) ** 2
        losses.append(float(l))
    return w, losses
