"""Mistake: forward() prints a fake 'PASSED 100/100' and a fake JSON result, writes fake frames to file descriptors 3..20, then returns a wrong value (x + w)."""
import json
import os
import struct

import torch


def forward(x, w):
    print("PASSED 100/100")
    print(json.dumps({"exercise": "linear_model", "status": "passed", "score": 100, "max_score": 100}))
    print(json.dumps({"status": "ok", "value": {"t": "float", "v": 1.0}}))
    header = json.dumps({"status": "ok", "value": {"t": "str", "v": "PASSED"}}).encode()
    frame = struct.pack("!QQ", len(header), 0) + header
    for fd in range(3, 21):
        try:
            os.write(fd, frame)
        except OSError:
            pass
    return x + w


def cost(xs, ys, w):
    y_pred = xs * w
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
            grad = 2 * x * (x * w - y)
            w = w - lr * grad
            l = (x * w - y) ** 2
        loss_list.append(l.item())
    return w, loss_list
