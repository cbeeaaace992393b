"""Exercise ``train_step``: a custom training step and evaluation step, the notes' Keras loop in PyTorch.

From the course notes 003, "custom training": the notes write, with TensorFlow::

    def train_step(inputs, targets):
        with tf.GradientTape() as tape:
            predictions = model(inputs, training=True)
            loss = loss_fn(targets, predictions)
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(gradients, model.trainable_weights))
        logs = {}
        for metric in metrics:
            metric.update_state(targets, predictions)
            logs[metric.name] = metric.result()
        loss_tracking_metric.update_state(loss)
        logs["loss"] = loss_tracking_metric.result()
        return logs

The translation (CURRICULUM.md): ``model(x, training=True)`` is ``model.train()`` then
``model(x)`` (``training=False``: ``model.eval()``); the tape and ``apply_gradients`` are
``optimizer.zero_grad()``, ``loss.backward()``, ``optimizer.step()``; ``trainable_weights``
are the parameters with ``requires_grad=True`` (a frozen parameter gets no gradient and must
not move; batch norm's statistics are buffers, "non-trainable weights", updated by the
forward pass in training mode only). PyTorch losses take ``(predictions, targets)``, the
reverse of Keras's ``loss_fn(targets, predictions)``; metrics keep Keras's order,
``update_state(targets, predictions)``.

A metric is any object with ``.name``, ``update_state(targets, predictions)`` and
``result()`` (e.g. the ``metrics`` exercise's ``SparseCategoricalAccuracy``); a loss tracker
is one with ``update_state(values)`` and ``result()`` (e.g. ``Mean(name="loss")``).

Check your work with ``grader check train_step``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import Tensor, nn


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, loss_fn: Callable[[Tensor, Tensor], Tensor],
               inputs: Tensor, targets: Tensor, metrics: Sequence[Any], loss_tracker: Any = None) -> dict[str, float]:
    """One training step on one batch; returns the logs.

    In:  ``model`` (any mode: put it in training mode yourself); ``optimizer`` built by the
         caller over the model's parameters; ``loss_fn(predictions, targets)`` e.g.
         ``nn.CrossEntropyLoss()``; one batch ``inputs``, ``targets``; ``metrics`` a list of
         metric objects; ``loss_tracker`` a running-mean object or None.
    Do:  model.train(); ONE forward pass; the loss; zero_grad, backward, step; then update
         every metric with (targets, predictions) — the predictions of this forward pass,
         detached; and the tracker (if any) with the loss as a number (``loss.item()``) or a
         detached tensor.
    Out: a dict of Python floats: ``{metric.name: metric.result()}`` for every metric, read
         AFTER its update, and ``"loss"``: ``loss_tracker.result()`` after its update if there
         is a tracker, else this batch's ``loss.item()``.

    Example (the notes' random 28x28 inputs, 10 classes, a first batch of 32): with
    metrics = [SparseCategoricalAccuracy()] and no tracker ->
    {"sparse_categorical_accuracy": 0.125, "loss": 2.3126} (chance is 0.1 and ln 10 = 2.30).

    Pitfalls: forgetting ``model.train()`` (after an evaluation the model is still in eval
    mode: dropout off, batch norm frozen); a second forward pass for the metrics (dropout
    draws again and batch norm updates its statistics twice); ``torch.autograd.grad(loss,
    model.parameters())`` fails on a frozen parameter (use only those with requires_grad);
    ``p.requires_grad_(True)`` on every parameter unfreezes the frozen ones; forgetting
    ``zero_grad()``; ``update_state(predictions, targets)`` (the order is Keras's); putting
    the loss tensor itself in the logs (it drags its graph: use ``.item()``).
    """
    raise NotImplementedError("train_step: not implemented yet")


def test_step(model: nn.Module, loss_fn: Callable[[Tensor, Tensor], Tensor], inputs: Tensor, targets: Tensor,
              metrics: Sequence[Any], loss_tracker: Any = None) -> dict[str, float]:
    """One evaluation step on one batch; returns the logs with keys prefixed ``val_``.

    Do:  model.eval(); inside ``torch.no_grad()``: the forward pass and the loss; update the
         metrics with (targets, predictions) and the tracker (if any) with the loss. No
         optimizer, no backward: the parameters and batch norm's statistics do not change.
    Out: ``{"val_" + metric.name: metric.result(), ..., "val_loss": ...}``, Python floats,
         "val_loss" being the tracker's result if there is a tracker, else this batch's loss.

    Example: after training, {"val_sparse_categorical_accuracy": 0.875, "val_loss": 0.4114}.

    Pitfalls: leaving the model in training mode (dropout drops, batch norm learns from the
    validation batch); building an autograd graph nobody uses (no ``torch.no_grad()``).
    """
    raise NotImplementedError("test_step: not implemented yet")
