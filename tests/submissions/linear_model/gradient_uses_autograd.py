"""Mistake: gradient() lets autograd do the work (cost.backward()) instead of writing the derivative by hand.

Fails: gradient_does_not_use_autograd (forbidden): without autograd

The numbers are right, but the exercise is to compute d cost / d w by hand.
"""
import torch


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    y_pred = forward(xs, w)
    return ((y_pred - ys) ** 2).mean()


def gradient(xs, ys, w):
    w_tmp = w.detach().clone().requires_grad_(True)
    loss = cost(xs, ys, w_tmp)
    loss.backward()
    return w_tmp.grad


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
