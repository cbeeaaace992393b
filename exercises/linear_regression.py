"""Exercise ``linear_regression``: the "PyTorch fashion" of notes 001 §5.

Four steps: prepare the data as [N, 1] tensors, design the model as an ``nn.Module``,
construct the loss and the optimizer from PyTorch (``nn.MSELoss``, ``torch.optim.SGD``),
and write the training cycle: forward, loss, ``zero_grad``, ``backward``, ``step``.

The notes' data: x_data = [[1.0], [2.0], [3.0]], y_data = [[2.0], [4.0], [6.0]]; the
right answer is w = 2, b = 0, so the model predicts 8 for x = 4.

Check your work with ``grader check linear_regression``.
"""

from __future__ import annotations

from torch import Tensor, nn


class LinearModel(nn.Module):
    """y_pred = x · w + b: one ``nn.Linear(1, 1)`` kept as ``self.linear``.

    In (forward): ``x`` of shape [N, 1] (N samples, one feature each).
    Out: ``y_pred`` of shape [N, 1], same dtype and device as ``x``.

    Write ``__init__`` (call ``super().__init__()`` first, then create the layer) and
    ``forward`` (return ``self.linear(x)``). Do not set the initial weights yourself:
    ``nn.Linear`` draws them at random, and training must work from any start.

    Pitfalls: ``nn.Linear(1, 1)`` expects the feature axis last, so x is [N, 1], not [N];
    forgetting ``super().__init__()``.
    """

    def __init__(self) -> None:
        super().__init__()
        raise NotImplementedError("LinearModel: not implemented yet")

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError("LinearModel.forward: not implemented yet")


def train(model: nn.Module, x: Tensor, y: Tensor, epochs: int, lr: float) -> list[float]:
    """Train ``model`` on (x, y) with full-batch SGD for ``epochs`` epochs; the losses.

    Build the loss and the optimizer once, before the loop, as the notes do:
        criterion = nn.MSELoss(reduction="sum")   # the notes' size_average=False: the SUM
                                                  # of the squared errors, not their mean
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    Then each epoch: y_pred = model(x); loss = criterion(y_pred, y); record loss.item();
    optimizer.zero_grad(); loss.backward(); optimizer.step().

    In:  ``model`` any module mapping [N, 1] to [N, 1] (on the same device as x and y);
         ``x``, ``y`` float tensors [N, 1]; ``epochs`` >= 0; ``lr`` > 0.
    Out: a list of ``epochs`` Python floats, the loss of each epoch BEFORE its step. The
         model is trained in place (its parameters change; x and y do not).

    Example (notes 001 §5): a fresh LinearModel, the notes' data, lr = 0.01:
    1000 epochs -> w = 2 and b = 0 within 1e-3 from any start; 100 epochs are not enough.

    Pitfalls: ``zero_grad()`` forgotten (gradients add up over the epochs); ``zero_grad()``
    between ``backward()`` and ``step()`` or ``step()`` before ``backward()`` (the step then
    uses no gradient or a stale one); the default ``nn.MSELoss()`` (a mean: 3 times smaller
    steps here); ``size_average=False`` (deprecated, write ``reduction="sum"``); the
    learning rate hard-coded instead of ``lr``; appending the loss tensor instead of
    ``loss.item()`` (a tensor keeps its whole graph alive).
    """
    raise NotImplementedError("train: not implemented yet")
