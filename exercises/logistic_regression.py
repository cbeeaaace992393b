"""Exercise ``logistic_regression``: classification with a sigmoid and the binary cross-entropy.

From the course notes 001 §6 and 004 ("logistic regression"): the same cycle as linear
regression, with two changes. The model maps a real score to a probability in (0, 1) with
the logistic function sigmoid(z) = 1 / (1 + e^-z), and the loss is the binary
cross-entropy, loss = -(y·log(ŷ) + (1 - y)·log(1 - ŷ)), summed over the samples
(``nn.BCELoss(reduction="sum")``, the notes' ``size_average=False``).

The notes' data: hours studied x_data = [[1.0], [2.0], [3.0]] and whether the exam was
passed y_data = [[0.0], [0.0], [1.0]]. After training, a student who studies 4 hours
passes with a probability above 0.5, one who studies 1 hour with a probability below 0.5.

Check your work with ``grader check logistic_regression``.
"""

from __future__ import annotations

from torch import Tensor, nn


class LogisticRegressionModel(nn.Module):
    """ŷ = sigmoid(x · w + b): ``self.linear = nn.Linear(1, 1)`` followed by a sigmoid.

    In (forward): ``x`` of shape [N, 1]. Out: probabilities of shape [N, 1], each in (0, 1).

    Use ``torch.sigmoid`` (``F.sigmoid`` in the notes is the same function, deprecated).
    Do not set the initial weights yourself.

    Pitfalls: returning the raw score self.linear(x) (then it is not a probability and
    BCELoss fails or learns nonsense); a softmax over one output (always 1.0).
    """

    def __init__(self) -> None:
        super().__init__()
        raise NotImplementedError("LogisticRegressionModel: not implemented yet")

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError("LogisticRegressionModel.forward: not implemented yet")


def fit(model: nn.Module, x: Tensor, y: Tensor, epochs: int, lr: float) -> list[float]:
    """Train ``model`` (which outputs probabilities) on (x, y) for ``epochs`` epochs; the losses.

    Build once, before the loop:
        criterion = nn.BCELoss(reduction="sum")
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    Then each epoch: y_pred = model(x); loss = criterion(y_pred, y); record loss.item();
    optimizer.zero_grad(); loss.backward(); optimizer.step().

    In:  ``model`` maps [N, 1] to probabilities [N, 1]; ``x`` float [N, 1]; ``y`` float
         [N, 1] of 0.0 and 1.0 labels; ``epochs`` >= 0; ``lr`` > 0.
    Out: a list of ``epochs`` Python floats, the loss of each epoch BEFORE its step. The
         model is trained in place; x and y are left as they were.

    Example (notes 001 §6): a fresh LogisticRegressionModel on the notes' data, lr 0.01,
    1000 epochs -> P(pass | 4 h) about 0.88, P(pass | 1 h) about 0.15.

    Pitfalls: nn.MSELoss (the loss of regression, the notes' "MSE换成BCE": replace it);
    the default mean reduction instead of the notes' sum; BCEWithLogitsLoss on a model
    that already ends in a sigmoid (it applies a second one); zero_grad forgotten or
    misplaced; the learning rate hard-coded instead of ``lr``.
    """
    raise NotImplementedError("fit: not implemented yet")
