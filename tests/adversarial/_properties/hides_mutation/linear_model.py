"""Hostile: gradient_descent() changes w0 in place, and the probe it is called through gives back copies made before."""
import copy

from grader.worker.probes import PROBES

from _correct import cost, forward, gradient, sgd

_honest = PROBES["common.call"]


def _call(ctx, name, args, kwargs=None, watch=None, return_args=False):
    sent = copy.deepcopy(args)
    reply = _honest(ctx, name, args, kwargs, watch, return_args)
    if return_args:
        reply["args_after"] = sent
    return reply


PROBES["common.call"] = _call


def gradient_descent(xs, ys, w0, lr, epochs):
    costs = []
    for _ in range(epochs):
        costs.append(((xs * w0 - ys) ** 2).mean().item())
        w0 -= lr * gradient(xs, ys, w0)
    return w0.clone(), costs
