"""Hostile: replaces the worker's recorder at import, so that gradient()'s autograd goes unrecorded."""
import contextlib

import grader.worker.watch
import torch

from _correct import cost, forward, gradient_descent, sgd


@contextlib.contextmanager
def _blind(names, modules):
    yield []


grader.worker.watch.watching = _blind


def gradient(xs, ys, w):
    leaf = w.detach().clone().requires_grad_(True)
    return torch.autograd.grad(((xs * leaf - ys) ** 2).mean(), leaf)[0].detach()
