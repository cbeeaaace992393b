"""Mistake: gradient_descent records the cost after the update of the epoch instead of before it.

Fails: gradient_descent_converges_on_the_notes_data (failed): before its update
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
        grad_val = gradient(xs, ys, w)
        w = w - lr * grad_val
        cost_val = cost(xs, ys, w)
        print('Epoch:', epoch, 'w=', w.item(), 'loss=', cost_val.item())
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
