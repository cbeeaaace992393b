"""Mistake: the gradient forgets the factor 2 from the square, it returns mean(x * (x*w - y)).

Fails: gradient_matches_autograd (failed): leaving out the factor 2

Linear model y_hat = x * w trained by hand, as in the notes (004).
"""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    y_pred = forward(xs, w)
    return ((y_pred - ys) ** 2).mean()


def gradient(xs, ys, w):
    # d/dw of (x*w - y)^2 ... the chain rule gives x * (x*w - y)
    grad = (xs * (xs * w - ys)).mean()
    return grad.reshape(w.shape)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = w0.clone()
    cost_list = []
    for epoch in range(epochs):
        cost_val = cost(xs, ys, w)
        grad_val = gradient(xs, ys, w)
        cost_list.append(cost_val.item())
        w = w - lr * grad_val
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
