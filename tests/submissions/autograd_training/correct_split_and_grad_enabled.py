"""Correct: the split with Tensor.split on one randperm, validation under torch.set_grad_enabled(False), and zero_grad(set_to_none=False) at the end of each epoch."""
import math

import torch


def model(t_u, w, b):
    return w * t_u + b


def loss_fn(t_p, t_c):
    return ((t_p - t_c) ** 2).mean()


def split_train_val(n, val_fraction, generator):
    if not (0.0 < val_fraction < 1.0):
        raise ValueError(f"val_fraction={val_fraction} is not in (0, 1)")
    n_val = math.floor(val_fraction * n)
    if n_val == 0:
        raise ValueError(f"{n} samples with val_fraction={val_fraction} leave an empty validation set")
    order = torch.randperm(n, generator=generator)
    train_part, val_part = order.split([n - n_val, n_val])
    return train_part, val_part


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    train_curve, val_curve = [], []
    for _ in range(n_epochs):
        loss = loss_fn(model(train_t_u, params[0], params[1]), train_t_c)
        with torch.set_grad_enabled(False):
            val_loss = loss_fn(model(val_t_u, params[0], params[1]), val_t_c)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)
        train_curve.append(float(loss))
        val_curve.append(float(val_loss))
    return params, {"val_loss": val_curve, "train_loss": train_curve}
