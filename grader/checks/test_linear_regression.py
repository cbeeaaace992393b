"""Checks of ``linear_regression``: nn.Linear, nn.MSELoss and torch.optim.SGD (notes 001 §5).

The training run is compared with the reference by :mod:`grader.judge.training`, which also
serves ``logistic_regression``, ``mlp`` and ``autograd_training``.
"""

from __future__ import annotations

import torch
from torch import nn

from grader.catalog import Exercise
from grader.judge import expect
from grader.judge.core import Student, check, fail
from grader.judge.reference import reference_of
from grader.judge.training import (
    check_sgd_training,
    expect_sgd_with_lr,
    losses_of,
    random_unit_parameters,
    with_parameters,
)

reference = reference_of("linear_regression")


NOTES_X = torch.tensor([[1.0], [2.0], [3.0]])
NOTES_Y = torch.tensor([[2.0], [4.0], [6.0]])
LOSS_APIS = ("torch.nn.MSELoss", "torch.nn.functional.mse_loss")
ORDER_HINT = ("Each epoch: y_pred = model(x); loss = criterion(y_pred, y); optimizer.zero_grad(); loss.backward(); "
              "optimizer.step(), in this order.")


def _check_train(student: Student, parameters: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor, epochs: int,
                 lr: float, what: str) -> None:
    check_sgd_training(student, "linear_regression.train", reference.train, reference.LinearModel,
                       nn.MSELoss(reduction="sum"), parameters, x, y, epochs, lr, what=what, wrong_criteria={
                           "the mean squared error (nn.MSELoss() by default) instead of the notes' sum (reduction='sum')":
                               nn.MSELoss()})


@check(points=1, kind="property",
       hint="In __init__: super().__init__(), then self.linear = nn.Linear(1, 1) (one input feature, one output, with a bias).")
def test_model_is_one_linear_unit(student: Student) -> None:
    """LinearModel() holds one nn.Linear(1, 1) with a bias: a weight [1, 1] and a bias [1]"""
    layout = student.probe("linear_regression.describe", what="LinearModel()", seed=0)
    if layout["linear"] != [[1, 1, True]] or layout["parameter_shapes"] != [[1, 1], [1]]:
        raise fail(f"LinearModel() has the nn.Linear layers (in, out, bias) {layout['linear']} and parameters of "
                   f"shapes {layout['parameter_shapes']}; expected one nn.Linear(1, 1) with a bias: a weight [1, 1] "
                   "and a bias [1]")


@check(points=1, kind="correctness", hint="forward(x) returns self.linear(x): x · w + b for x of shape [N, 1].")
def test_forward_is_w_x_plus_b(student: Student, rng: torch.Generator) -> None:
    """LinearModel()(x) is x·w + b for inputs [N, 1] (the notes' x_test = [[4.0]] included)"""
    parameters = random_unit_parameters(rng)
    inputs = [torch.tensor([[4.0]]), torch.randn(9, 1, generator=rng)]
    reply = student.probe("linear_regression.forward", what="LinearModel()(x)", parameters=parameters, inputs=inputs)
    if "mismatch" in reply:
        raise fail(f"LinearModel() has parameters of shapes {reply['mismatch']['parameter_shapes']}; expected a weight "
                   "[1, 1] and a bias [1] (nn.Linear(1, 1))")
    model = with_parameters(reference.LinearModel(), parameters)
    for x, out in zip(inputs, reply["outputs"]):
        with torch.no_grad():
            expected = model(x)
        expect.tensor(out, expected, what=f"LinearModel()(x) for x of shape {list(x.shape)}",
                      mistakes={"the bias left out": x * parameters[0]})


@check(points=3, kind="correctness", hint=ORDER_HINT)
def test_train_follows_the_reference_on_the_notes_data(student: Student, rng: torch.Generator) -> None:
    """train(model, x, y, 20, 0.01) on the notes' data gives the reference's losses and parameters"""
    _check_train(student, random_unit_parameters(rng), NOTES_X, NOTES_Y, 20, 0.01,
                 what="train(model, x_data, y_data, epochs=20, lr=0.01)")


@check(points=1, kind="property",
       hint="criterion = nn.MSELoss(reduction='sum'); optimizer = torch.optim.SGD(model.parameters(), lr=lr): the lr you are given.")
def test_train_uses_sgd_and_mse_loss(student: Student, rng: torch.Generator) -> None:
    """train() builds torch.optim.SGD with the lr it is given and uses MSELoss"""
    what = "train(model, x_data, y_data, epochs=3, lr=0.02)"
    run = student.probe("linear_regression.train", what=what, x=NOTES_X, y=NOTES_Y, epochs=3, lr=0.02, seed=0,
                        parameters=random_unit_parameters(rng), watch=["torch.optim.SGD", *LOSS_APIS])
    expect_sgd_with_lr(run["calls"], 0.02, what=what)
    if not any(c["api"] in LOSS_APIS for c in run["calls"]):
        raise fail(f"{what} used neither nn.MSELoss nor F.mse_loss: construct the loss as the notes do, "
                   "criterion = nn.MSELoss(reduction='sum')")


@check(points=2, kind="convergence",
       hint="If train() matches the reference, it converges: lr 0.01 needs about 1000 epochs on the notes' data.")
def test_train_converges_to_w_2_b_0(student: Student, rng: torch.Generator, exercise: Exercise) -> None:
    """A fresh LinearModel trained on the notes' data (lr 0.01, 1000 epochs) ends at w ≈ 2, b ≈ 0

    w and b are read from the parameters the model ends with, and y(4) computed here.
    """
    epochs, lr = int(exercise.threshold("epochs")), exercise.threshold("lr")
    what = f"train(LinearModel(), x_data, y_data, epochs={epochs}, lr={lr:g})"
    run = student.probe("linear_regression.train", what=what, x=NOTES_X, y=NOTES_Y, epochs=epochs, lr=lr,
                        seed=int(torch.randint(0, 2**31, (), generator=rng)), own_model=True)
    if [p.shape for p in run["parameters"]] != [(1, 1), (1,)]:
        raise fail(f"LinearModel() does not hold one nn.Linear(1, 1): its parameters have shapes "
                   f"{[list(p.shape) for p in run['parameters']]}")
    losses = losses_of(run["result"], what=what, epochs=epochs)
    w, b = (float(p.data.reshape(())) for p in run["parameters"])
    w_tol, b_tol = exercise.threshold("w_tolerance"), exercise.threshold("b_tolerance")
    student.details.update({"curve": losses, "curve_label": "loss before each epoch's step", "w": w, "b": b})
    if not (abs(w - 2) < w_tol and abs(b) < b_tol):
        raise fail(f"after {epochs} epochs w = {w:.5f} and b = {b:.5f}, so y(4) = {4 * w + b:.4f}; expected "
                   f"|w − 2| < {w_tol:g} and |b| < {b_tol:g} (y(4) ≈ 8)")


@check(points=1, kind="property", hint="train() changes the model's parameters, never x or y: no in-place operations on the data.")
def test_train_leaves_the_data_unchanged(student: Student, rng: torch.Generator) -> None:
    """train() does not modify x or y"""
    run = student.probe("linear_regression.train", what="train(model, x, y, 3, 0.01)", x=NOTES_X, y=NOTES_Y, epochs=3,
                        lr=0.01, seed=0, parameters=random_unit_parameters(rng))
    expect.data_unchanged({"x": NOTES_X, "y": NOTES_Y}, run.get("inputs_after"), what="train()")


@check(points=1, kind="correctness", hidden=True, hint=ORDER_HINT + " Use the lr argument.")
def test_train_follows_the_reference_on_hidden_data(student: Student, rng: torch.Generator) -> None:
    """train() gives the reference's losses and parameters on hidden data"""
    x = torch.randn(int(torch.randint(4, 30, (), generator=rng)), 1, generator=rng)
    y = 1.5 * x - 0.5 + 0.1 * torch.randn(x.shape, generator=rng)
    epochs, lr = int(torch.randint(5, 25, (), generator=rng)), float(torch.empty(()).uniform_(0.002, 0.02, generator=rng))
    _check_train(student, random_unit_parameters(rng), x, y, epochs, lr, what=f"train(model, x, y, {epochs}, {lr:.4g}) on hidden data")
