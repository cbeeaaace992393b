"""Mistake: sgd() takes one full-batch step per epoch (the mean gradient) instead of one step per sample.

Fails: sgd_matches_reference_on_the_notes_data (failed): full-batch step
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
        cost_list.append(cost(xs, ys, w).item())
        w = w - lr * gradient(xs, ys, w)
    return w, cost_list


def sgd(xs, ys, w0, lr, epochs):
    w = w0.clone()
    loss_list = []
    for epoch in range(epochs):
        grad = gradient(xs, ys, w)
        w = w - lr * grad
        # loss of the last sample, after the update
        l = (xs[-1] * w - ys[-1]) ** 2
        loss_list.append(l.item())
    return w, loss_list
