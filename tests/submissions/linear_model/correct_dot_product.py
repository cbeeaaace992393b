"""Correct: gradient via a dot product 2/N * <x, x*w - y>, and updates applied in place on a detached copy of w0."""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    residual = (forward(xs, w) - ys).reshape(-1)
    return torch.dot(residual, residual) / residual.numel()


def gradient(xs, ys, w):
    residual = (forward(xs, w) - ys).reshape(-1)
    x_flat = xs.reshape(-1).to(residual.dtype)
    grad = 2.0 * torch.dot(x_flat, residual) / residual.numel()
    return grad.reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = w0.detach().clone()
    costs = []
    for epoch in range(epochs):
        costs.append(cost(xs, ys, w).item())
        w.sub_(lr * gradient(xs, ys, w))
    return w, costs


def sgd(xs, ys, w0, lr, epochs):
    w = w0.detach().clone()
    losses = []
    for epoch in range(epochs):
        for x, y in zip(xs, ys):
            w.sub_(lr * 2 * x * (x * w - y))
            loss = (x * w - y) ** 2
        losses.append(loss.item())
    return w, losses
