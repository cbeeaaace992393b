"""Exercise ``metrics``: streaming metrics in the style of Keras's ``keras.metrics``.

From the course notes 003, "metrics": a metric is an object that accumulates over the
batches of an epoch, with three methods::

    accuracy_tracker = SparseCategoricalAccuracy()
    loss_tracker = Mean()
    for epoch in range(3):
        accuracy_tracker.reset_state()          # a new epoch: forget the old one
        loss_tracker.reset_state()
        for x_batch, y_batch in batches:
            ...                                  # one training step
            accuracy_tracker.update_state(y_batch, predictions)
            loss_tracker.update_state(loss)
            print(f"Loss: {loss_tracker.result():.4f}, Accuracy: {accuracy_tracker.result():.4f}")

Translated to PyTorch (CURRICULUM.md): the inputs are tensors (on the CPU or a GPU), and
``result()`` returns a Python float. Streaming must equal one-shot: feeding the data in
batches of any sizes gives the same result as feeding it all at once.

Check your work with ``grader check metrics``.
"""

from __future__ import annotations

from torch import Tensor


class Mean:
    """The mean of every value given to ``update_state`` since the last ``reset_state``."""

    def __init__(self, name: str = "mean") -> None:
        """Start empty. ``name`` is kept as ``self.name`` (logs use it as their key: ``Mean(name="loss")``)."""
        raise NotImplementedError("Mean.__init__: not implemented yet")

    def update_state(self, values: Tensor | float) -> None:
        """Add ``values``: a Python number, or a tensor of any shape in which EACH ELEMENT counts once.

        Example: update_state(torch.tensor([1., 2., 3.])) then update_state(4.0) -> result() 2.5
        (four values), not 3.0 (the mean of the two means).

        Pitfalls: keeping ``values`` themselves (or ``total += values``): a loss tensor drags
        its whole autograd graph along; store plain numbers (``float(values.sum())``) or
        detached tensors.
        """
        raise NotImplementedError("Mean.update_state: not implemented yet")

    def result(self) -> float:
        """The mean so far, a Python float; 0.0 before any value (as Keras's ``Mean``), not an error or NaN."""
        raise NotImplementedError("Mean.result: not implemented yet")

    def reset_state(self) -> None:
        """Forget everything: ``result()`` is 0.0 again and later updates start afresh (BOTH total and count)."""
        raise NotImplementedError("Mean.reset_state: not implemented yet")


class SparseCategoricalAccuracy:
    """The fraction of samples seen since the last reset whose highest score is at their label."""

    def __init__(self, name: str = "sparse_categorical_accuracy") -> None:
        """Start empty; ``name`` is kept as ``self.name`` (the notes' logs use ``logs[metric.name]``)."""
        raise NotImplementedError("SparseCategoricalAccuracy.__init__: not implemented yet")

    def update_state(self, y_true: Tensor, y_pred: Tensor) -> None:
        """Count one batch. Note the order, as in Keras: the labels first, the predictions second.

        In:  ``y_true`` integer labels [N] or [N, 1] (Keras accepts both); ``y_pred`` scores
             [N, C] (logits or probabilities: the predicted class is ``argmax`` over the last dim).
        Neither input is changed (no ``squeeze_``).

        Example: y_true = [2, 0, 1], y_pred = [[.1, .2, .7], [.8, .1, .1], [.5, .3, .2]] -> 2 of 3
        right; a next batch of 1 sample, right -> result() 3 / 4 = 0.75 (not the mean of 2/3 and 1).

        Pitfalls: comparing predictions [N] with labels [N, 1] broadcasts to an [N, N] table;
        argmax over dim 0 (over the samples); averaging per-batch accuracies (a short last
        batch would weigh as much as a full one).
        """
        raise NotImplementedError("SparseCategoricalAccuracy.update_state: not implemented yet")

    def result(self) -> float:
        """Correct / total over every sample since the last reset, a float in [0, 1]; 0.0 before any sample."""
        raise NotImplementedError("SparseCategoricalAccuracy.result: not implemented yet")

    def reset_state(self) -> None:
        """Forget every batch seen (both counters)."""
        raise NotImplementedError("SparseCategoricalAccuracy.reset_state: not implemented yet")
