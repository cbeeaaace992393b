"""Checks of ``logistic_regression``: a sigmoid unit fitted with the binary cross-entropy (notes 001 §6; 004)."""

from __future__ import annotations

import torch
from torch import nn

from grader.catalog import Exercise
from grader.judge import expect
from grader.judge.core import Student, check, fail
from grader.judge.reference import reference_of
from grader.judge.training import check_sgd_training, expect_sgd_with_lr, losses_of, random_unit_parameters

reference = reference_of("logistic_regression")


NOTES_X = torch.tensor([[1.0], [2.0], [3.0]])
NOTES_Y = torch.tensor([[0.0], [0.0], [1.0]])
BCE_APIS = ("torch.nn.BCELoss", "torch.nn.functional.binary_cross_entropy")
MSE_APIS = ("torch.nn.MSELoss", "torch.nn.functional.mse_loss")
LOOP_HINT = ("criterion = nn.BCELoss(reduction='sum'); optimizer = torch.optim.SGD(model.parameters(), lr=lr); each epoch: "
             "loss = criterion(model(x), y), record loss.item(), zero_grad(), backward(), step().")


def _check_fit(student: Student, parameters: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor, epochs: int,
               lr: float, what: str) -> None:
    check_sgd_training(student, "logistic_regression.fit", reference.fit, reference.LogisticRegressionModel,
                       nn.BCELoss(reduction="sum"), parameters, x, y, epochs, lr, what=what, wrong_criteria={
                           "the squared error (nn.MSELoss) instead of the binary cross-entropy (nn.BCELoss)":
                               nn.MSELoss(reduction="sum"),
                           "nn.MSELoss() instead of the binary cross-entropy (nn.BCELoss)": nn.MSELoss(),
                           "the mean binary cross-entropy (nn.BCELoss() by default) instead of the notes' sum "
                           "(reduction='sum')": nn.BCELoss(),
                           "BCEWithLogitsLoss on a model that already ends in a sigmoid (a second sigmoid is applied)":
                               nn.BCEWithLogitsLoss(reduction="sum"),
                       })


@check(points=1, kind="property",
       hint="In __init__: super().__init__(), then self.linear = nn.Linear(1, 1); forward applies torch.sigmoid to it.")
def test_model_is_one_linear_unit(student: Student) -> None:
    """LogisticRegressionModel() holds one nn.Linear(1, 1) with a bias"""
    layout = student.probe("logistic_regression.describe", what="LogisticRegressionModel()", seed=0)
    if layout["linear"] != [[1, 1, True]] or layout["parameter_shapes"] != [[1, 1], [1]]:
        raise fail(f"LogisticRegressionModel() has the nn.Linear layers (in, out, bias) {layout['linear']} and parameters "
                   f"of shapes {layout['parameter_shapes']}; expected one nn.Linear(1, 1) with a bias")


@check(points=2, kind="correctness",
       hint="forward(x) = torch.sigmoid(self.linear(x)): the linear score squashed into a probability in (0, 1).")
def test_forward_is_a_probability(student: Student, rng: torch.Generator) -> None:
    """LogisticRegressionModel()(x) is sigmoid(x·w + b), in (0, 1) even for x = ±100"""
    parameters = random_unit_parameters(rng)
    inputs = [NOTES_X, torch.tensor([[-100.0], [0.0], [100.0]]), 3 * torch.randn(9, 1, generator=rng)]
    reply = student.probe("logistic_regression.forward", what="LogisticRegressionModel()(x)", parameters=parameters,
                          inputs=inputs)
    if "mismatch" in reply:
        raise fail(f"LogisticRegressionModel() has parameters of shapes {reply['mismatch']['parameter_shapes']}; "
                   "expected a weight [1, 1] and a bias [1] (nn.Linear(1, 1))")
    for x, out in zip(inputs, reply["outputs"]):
        score = x * parameters[0].reshape(()) + parameters[1]
        expect.tensor(out, torch.sigmoid(score), what=f"LogisticRegressionModel()(x) for x of shape {list(x.shape)}",
                      mistakes={"the raw score x·w + b, with no sigmoid": score,
                                "tanh instead of the sigmoid": torch.tanh(score),
                                "a softmax over one output (always 1)": torch.ones_like(score),
                                "1 − sigmoid (the probability of failing)": 1 - torch.sigmoid(score)})


@check(points=3, kind="correctness", hint=LOOP_HINT)
def test_fit_follows_the_reference_on_the_notes_data(student: Student, rng: torch.Generator) -> None:
    """fit(model, x, y, 20, 0.01) on the notes' hours gives the reference's losses and parameters (BCE, summed)"""
    _check_fit(student, random_unit_parameters(rng), NOTES_X, NOTES_Y, 20, 0.01,
               what="fit(model, x_data, y_data, epochs=20, lr=0.01)")


@check(points=2, kind="property",
       hint="Classification takes the binary cross-entropy, nn.BCELoss (the notes: 'MSE换成BCE'), and SGD with the lr argument.")
def test_fit_uses_bce_and_sgd(student: Student, rng: torch.Generator) -> None:
    """fit() uses nn.BCELoss, not MSELoss, and builds torch.optim.SGD with the lr it is given"""
    what = "fit(model, x_data, y_data, epochs=3, lr=0.05)"
    run = student.probe("logistic_regression.fit", what=what, x=NOTES_X, y=NOTES_Y, epochs=3, lr=0.05, seed=0,
                        parameters=random_unit_parameters(rng), watch=["torch.optim.SGD", *BCE_APIS, *MSE_APIS])
    apis = {c["api"] for c in run["calls"]}
    if apis & set(MSE_APIS):
        raise fail(f"{what} computed a squared error ({', '.join(sorted(apis & set(MSE_APIS)))}): MSE is the loss of "
                   "regression; for probabilities use the binary cross-entropy, nn.BCELoss(reduction='sum')")
    if not apis & set(BCE_APIS):
        raise fail(f"{what} used neither nn.BCELoss nor F.binary_cross_entropy: the notes' criterion is "
                   "nn.BCELoss(reduction='sum') on the model's probabilities")
    expect_sgd_with_lr(run["calls"], 0.05, what=what)


@check(points=2, kind="convergence",
       hint="If fit() matches the reference, a fresh model learns that 4 hours pass and 1 hour fails within 1000 epochs.")
def test_fit_separates_4_hours_from_1_hour(student: Student, rng: torch.Generator, exercise: Exercise) -> None:
    """A fresh model fitted on the notes' data (lr 0.01, 1000 epochs) gives P(pass | 4 h) > 0.5 > P(pass | 1 h)

    The probabilities are computed here from the parameters the model ends with.
    """
    epochs, lr = int(exercise.threshold("epochs")), exercise.threshold("lr")
    what = f"fit(LogisticRegressionModel(), x_data, y_data, epochs={epochs}, lr={lr:g})"
    run = student.probe("logistic_regression.fit", what=what, x=NOTES_X, y=NOTES_Y, epochs=epochs, lr=lr,
                        seed=int(torch.randint(0, 2**31, (), generator=rng)), own_model=True)
    if [p.shape for p in run["parameters"]] != [(1, 1), (1,)]:
        raise fail(f"LogisticRegressionModel() does not hold one nn.Linear(1, 1): its parameters have shapes "
                   f"{[list(p.shape) for p in run['parameters']]}")
    losses = losses_of(run["result"], what=what, epochs=epochs)
    w, b = (float(p.data.reshape(())) for p in run["parameters"])
    p1, p4 = (float(torch.sigmoid(torch.tensor(hours * w + b))) for hours in (1.0, 4.0))
    threshold = exercise.threshold("decision_probability")
    student.details.update({"curve": losses, "curve_label": "loss before each epoch's step", "p_pass_1h": p1, "p_pass_4h": p4})
    if not p4 > threshold > p1:
        raise fail(f"after {epochs} epochs w = {w:.4f}, b = {b:.4f}: P(pass | 4 h) = {p4:.3f} and P(pass | 1 h) = "
                   f"{p1:.3f}; expected P(pass | 4 h) > {threshold:g} > P(pass | 1 h)")


@check(points=1, kind="property", hint="fit() changes the model's parameters, never x or y.")
def test_fit_leaves_the_data_unchanged(student: Student, rng: torch.Generator) -> None:
    """fit() does not modify x or y"""
    run = student.probe("logistic_regression.fit", what="fit(model, x, y, 3, 0.01)", x=NOTES_X, y=NOTES_Y, epochs=3,
                        lr=0.01, seed=0, parameters=random_unit_parameters(rng))
    expect.data_unchanged({"x": NOTES_X, "y": NOTES_Y}, run.get("inputs_after"), what="fit()")


@check(points=1, kind="correctness", hidden=True, hint=LOOP_HINT)
def test_fit_follows_the_reference_on_hidden_data(student: Student, rng: torch.Generator) -> None:
    """fit() gives the reference's losses and parameters on hidden labelled data"""
    x = 2 * torch.randn(int(torch.randint(6, 40, (), generator=rng)), 1, generator=rng)
    y = (x + 0.7 * torch.randn(x.shape, generator=rng) > 0.3).float()
    epochs, lr = int(torch.randint(5, 25, (), generator=rng)), float(torch.empty(()).uniform_(0.005, 0.05, generator=rng))
    _check_fit(student, random_unit_parameters(rng), x, y, epochs, lr, what=f"fit(model, x, y, {epochs}, {lr:.4g}) on hidden data")
