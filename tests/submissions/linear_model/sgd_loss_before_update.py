"""Mistake: sgd() computes each sample's loss before the update instead of after it.

Fails: sgd_matches_reference_on_the_notes_data (failed): losses of sgd()
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
            l = (forward(x, w) - y) ** 2
            grad = 2 * x * (x * w - y)
            w = w - lr * grad
        loss_list.append(l.item())
    return w, loss_list
