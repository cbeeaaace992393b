"""Checks of ``linear_regression``: nn.Linear, nn.MSELoss and torch.optim.SGD (notes 001 §5).

The helpers that compare a training run with the reference and name the mistakes of the
training cycle (``check_sgd_training``, ``expect_training``, ``losses_of``...) also serve
``logistic_regression``, ``mlp`` and ``autograd_training``, which train the same way.
"""

from __future__ import annotations

from typing import Any, Callable

import torch
from torch import nn

from grader.judge import expect
from grader.catalog import Exercise
from grader.judge.core import Student, check, fail
from solutions import linear_regression as reference

NOTES_X = torch.tensor([[1.0], [2.0], [3.0]])
NOTES_Y = torch.tensor([[2.0], [4.0], [6.0]])
LOSS_APIS = ("torch.nn.MSELoss", "torch.nn.functional.mse_loss")
ORDER_HINT = ("Each epoch: y_pred = model(x); loss = criterion(y_pred, y); optimizer.zero_grad(); loss.backward(); "
              "optimizer.step(), in this order.")


def train_variant(model: nn.Module, criterion: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, lr: float,
                  order: str = "zbs") -> tuple[list[float], list[torch.Tensor]]:
    """The notes' training cycle with SGD, its zero_grad (z), backward (b) and step (s) done in ``order``.

    Returns the loss before each epoch's step and the parameters at the end; the model is trained in place.
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y)
        losses.append(loss.item())
        for op in order:
            {"z": optimizer.zero_grad, "b": loss.backward, "s": optimizer.step}[op]()
    return losses, [p.detach().clone() for p in model.parameters()]


def with_parameters(model: nn.Module, parameters: list[torch.Tensor]) -> nn.Module:
    """``model`` with ``parameters`` copied into its own, in ``parameters()`` order."""
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), parameters):
            parameter.copy_(value)
    return model


def random_unit_parameters(rng: torch.Generator) -> list[torch.Tensor]:
    """A weight [1, 1] and a bias [1] drawn uniformly in [−1, 1], as nn.Linear(1, 1) draws them."""
    return [torch.rand(1, 1, generator=rng) * 2 - 1, torch.rand(1, generator=rng) * 2 - 1]


def check_sgd_training(student: Student, probe: str, reference_fit: Callable[..., list[float]],
                       build: Callable[[], nn.Module], criterion: nn.Module, parameters: list[torch.Tensor],
                       x: torch.Tensor, y: torch.Tensor, epochs: int, lr: float, *, what: str,
                       wrong_criteria: dict[str, nn.Module]) -> None:
    """Run the student's SGD training function (``probe``) from ``parameters``; compare it with ``reference_fit``.

    A mismatch is named when it matches a wrong criterion, a zero_grad / backward / step order
    that does not train, losses recorded after the step, or a learning rate hard-coded to 0.01.
    """
    run = student.probe(probe, what=what, x=x, y=y, epochs=epochs, lr=lr, seed=0, parameters=parameters)

    def fresh() -> nn.Module:
        return with_parameters(build(), parameters)

    model = fresh()
    expected = (reference_fit(model, x, y, epochs, lr), [p.detach() for p in model.parameters()])
    mistakes = {mistake: train_variant(fresh(), wrong, x, y, epochs, lr) for mistake, wrong in wrong_criteria.items()}
    mistakes.update({
        "optimizer.zero_grad() never called, so the gradients add up over the epochs":
            train_variant(fresh(), criterion, x, y, epochs, lr, "bs"),
        "zero_grad() between backward() and step(), or step() before backward(): the parameters never move":
            train_variant(fresh(), criterion, x, y, epochs, lr, "bzs"),
        "each loss recorded after its step instead of before":
            (train_variant(fresh(), criterion, x, y, epochs + 1, lr)[0][1:], expected[1]),
    })
    if lr != 0.01:
        mistakes["the learning rate hard-coded to the notes' 0.01 instead of the lr argument"] = \
            train_variant(fresh(), criterion, x, y, epochs, 0.01)
    expect_training(run, expected, mistakes, what=what, epochs=epochs)


def expect_sgd_with_lr(calls: list[dict[str, Any]], lr: float, *, what: str) -> None:
    """Fail unless the watched calls show torch.optim.SGD built with the learning rate ``lr``."""
    built = [c for c in calls if c["api"] == "torch.optim.SGD"]
    if not built:
        raise fail(f"{what} never built torch.optim.SGD: construct the optimizer with "
                   "torch.optim.SGD(model.parameters(), lr=lr) and let optimizer.step() update the parameters")
    if built[0]["arguments"].get("lr") != lr:
        raise fail(f"{what} built SGD with lr={built[0]['arguments'].get('lr')!r}; pass the lr argument ({lr:g} here), "
                   "not a number of your own")


def expect_training(student_run: dict[str, Any], expected: tuple[list[float], list[torch.Tensor]],
                    mistakes: dict[str, tuple[list[float], list[torch.Tensor]]], *, what: str, epochs: int) -> None:
    """Compare the losses, then the final parameters, of a training run with the expected ones."""
    losses = losses_of(student_run["result"], what=what, epochs=epochs)
    expected_losses, expected_parameters = expected
    expect.tensor(torch.tensor(losses), torch.tensor(expected_losses), what=f"the list of losses from {what}",
                  rtol=1e-4, atol=1e-6,
                  mistakes={m: torch.tensor(run[0]) for m, run in mistakes.items() if len(run[0]) == epochs})
    names = ("weight", "bias")
    for index, (got, want) in enumerate(zip(student_run["parameters"], expected_parameters)):
        name = names[index] if index < len(names) and len(expected_parameters) == 2 else f"parameter {index}"
        expect.tensor(got, want, what=f"the model's {name} after {what}", rtol=1e-4, atol=1e-6,
                      mistakes={m: run[1][index] for m, run in mistakes.items()})


def losses_of(value: Any, *, what: str, epochs: int) -> list[float]:
    """The list of per-epoch losses a training function returned, as floats, or a failure saying why."""
    if not isinstance(value, list):
        raise fail(f"{what} returned {expect.describe(value)}; expected a list of {epochs} floats, one loss per epoch")
    if len(value) != epochs:
        raise fail(f"{what} returned {len(value)} losses for {epochs} epochs; expected one per epoch")
    if any(isinstance(v, expect.RemoteTensor) for v in value):
        raise fail(f"{what} returned its losses as tensors; append loss.item(), a Python float (a loss tensor keeps "
                   "its whole autograd graph alive, as the notes warn: sum += l.item(), not sum += l)")
    return [expect.as_float(v, what=f"{what}: loss {i}") for i, v in enumerate(value)]


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
