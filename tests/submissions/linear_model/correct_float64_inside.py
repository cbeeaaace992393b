"""Correct: computes everything in float64 internally and casts the results back to the inputs' dtype."""
import torch


def _result_dtype(xs, ys, w):
    # the dtype the plain float32/float64 computation x * w - y would give
    return (forward(xs, w) - ys).dtype


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    out_dtype = _result_dtype(xs, ys, w)
    x64 = xs.double()
    y64 = ys.double()
    w64 = w.double()
    diff = x64 * w64 - y64
    mse = (diff * diff).sum() / diff.numel()
    return mse.reshape(()).to(out_dtype)


def gradient(xs, ys, w):
    out_dtype = _result_dtype(xs, ys, w)
    x64 = xs.double()
    y64 = ys.double()
    w64 = w.double()
    grad = (2.0 * x64 * (x64 * w64 - y64)).sum() / x64.numel()
    return grad.reshape(w.shape).to(out_dtype)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = w0.clone()
    history = []
    for _ in range(epochs):
        history.append(float(cost(xs, ys, w)))
        w = w - lr * gradient(xs, ys, w)
    return w, history


def sgd(xs, ys, w0, lr, epochs):
    w = w0.clone()
    history = []
    for _ in range(epochs):
        last_loss = None
        for i in range(len(xs)):
            x, y = xs[i], ys[i]
            w = w - lr * (2 * x * (x * w - y))
            last_loss = (x * w - y) ** 2
        history.append(float(last_loss))
    return w, history
