"""Mistake: the training loops do `w = w0` and then `w -= lr * grad`, which changes the caller's w0 in place.

Fails: inputs_are_not_modified (failed): modified its argument 'w0' in place
"""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    y_pred = forward(xs, w)
    return ((y_pred - ys) ** 2).mean()


def gradient(xs, ys, w):
    grad = (2 * xs * (xs * w - ys)).mean()
    return grad.reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = w0
    cost_list = []
    for epoch in range(epochs):
        cost_val = cost(xs, ys, w)
        grad_val = gradient(xs, ys, w)
        w -= lr * grad_val
        cost_list.append(cost_val.item())
    return w, cost_list


def sgd(xs, ys, w0, lr, epochs):
    w = w0
    loss_list = []
    for epoch in range(epochs):
        for x, y in zip(xs, ys):
            grad = 2 * x * (x * w - y)
            w -= lr * grad
            l = (x * w - y) ** 2
        loss_list.append(l.item())
    return w, loss_list
