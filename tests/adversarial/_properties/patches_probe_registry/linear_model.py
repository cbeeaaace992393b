"""Hostile: replaces the probe the grader calls through (common.call) by one that records nothing."""
import torch
from grader.worker.probes import PROBES

from _correct import cost, forward, gradient_descent, sgd


def _call(ctx, name, args, kwargs=None, watch=None, return_args=False):
    result = ctx.own(name)(*args, **(kwargs or {}))
    return {"result": result, "calls": [], **({"args_after": args} if return_args else {})}


PROBES["common.call"] = _call


def gradient(xs, ys, w):
    leaf = w.detach().clone().requires_grad_(True)
    ((xs * leaf - ys) ** 2).mean().backward()
    return leaf.grad.detach()
