"""Correct: written with the notes' Python loops over zip(xs, ys), accumulating sample by sample.

Same results as the vectorised solution up to float rounding (the sums are taken in a
different order).
"""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    cost = 0
    for x, y in zip(xs, ys):
        y_pred = forward(x, w)
        cost = cost + (y_pred - y) ** 2
    cost = cost / len(xs)
    return cost.reshape(())  # w may be shape [1]; the cost must be 0-dim


def gradient(xs, ys, w):
    grad = 0
    for x, y in zip(xs, ys):
        grad = grad + 2 * x * (x * w - y)
    grad = grad / len(xs)
    return grad.reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = w0.clone()
    cost_list = []
    for epoch in range(epochs):
        cost_val = cost(xs, ys, w)
        grad_val = gradient(xs, ys, w)
        w = w - lr * grad_val
        cost_list.append(cost_val.item())
    return w, cost_list


def sgd(xs, ys, w0, lr, epochs):
    w = w0.clone()
    loss_list = []
    for epoch in range(epochs):
        for x, y in zip(xs, ys):
            grad = 2 * x * (x * w - y)
            w = w - lr * grad
            l = (x * w - y) ** 2
        loss_list.append(l.item())
    return w, loss_list
