"""Correct: the gradient as two dot products, the finiteness test with math.isfinite on a Python float, and a clone updated in place."""
import math

import torch


def model(t_u, w, b):
    return torch.add(torch.mul(t_u, w), b)


def loss_fn(t_p, t_c):
    diff = t_p - t_c
    return torch.dot(diff, diff) / diff.numel()


def grad_fn(t_u, t_c, t_p, w, b):
    residual = t_p - t_c
    n = residual.numel()
    dw = 2.0 * torch.dot(residual, t_u) / n
    db = 2.0 * residual.sum() / n
    return torch.stack((dw, db))


def training_loop(n_epochs, learning_rate, params, t_u, t_c):
    params = params.clone()
    epoch = 0
    while epoch < n_epochs:
        epoch += 1
        w, b = params[0], params[1]
        t_p = model(t_u, w, b)
        loss = loss_fn(t_p, t_c).item()
        if not math.isfinite(loss):
            raise ValueError(f"the loss stopped being finite ({loss}) at epoch {epoch} of {n_epochs}")
        params.sub_(learning_rate * grad_fn(t_u, t_c, t_p, w, b))
    return params
