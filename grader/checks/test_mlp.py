"""Checks of ``mlp``: the notes' 1-32-32-1 tanh network and its hand-written training loop (notes 000)."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from grader.catalog import Exercise
from grader.judge import expect
from grader.judge.core import Student, check, explaining, fail
from grader.judge.reference import reference_of
from grader.judge.training import expect_training, losses_of, with_parameters

reference = reference_of("mlp")


LAYERS = [(1, 32), (32, 32), (32, 1)]
SHAPES = [shape for n_in, n_out in LAYERS for shape in ([n_out, n_in], [n_out])]
OPTIMIZERS = {f"torch.optim.{name}": "this exercise writes the update itself: param -= lr * param.grad under torch.no_grad()"
              for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad")}
FIT_HINT = ("Each epoch: loss = MSELoss()(model(x), y); loss.backward(); with torch.no_grad(): param -= lr * param.grad "
            "for every parameter; model.zero_grad(); record loss.item().")
LEAF_IN_PLACE = ("the update ran with autograd on: put the loop over the parameters inside `with torch.no_grad():`, "
                 "as the notes do")


def _random_parameters(rng: torch.Generator) -> list[torch.Tensor]:
    """Weights and biases drawn as nn.Linear draws them, uniform in ±1/√fan_in."""
    parameters = []
    for n_in, n_out in LAYERS:
        bound = 1 / math.sqrt(n_in)
        parameters += [(torch.rand(n_out, n_in, generator=rng) * 2 - 1) * bound,
                       (torch.rand(n_out, generator=rng) * 2 - 1) * bound]
    return parameters


def _mlp(parameters: list[torch.Tensor]) -> nn.Module:
    return with_parameters(reference.make_mlp(), parameters)


def _hand_fit(parameters: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor, lr: float, epochs: int, *,
              step: float = -1.0, zero_grad: bool = True, reduction: str = "mean") -> tuple[list[float], list[torch.Tensor]]:
    """The notes' loop with the update ``param += step * lr * grad`` and other variations, for naming mistakes."""
    model = _mlp(parameters)
    criterion = nn.MSELoss(reduction=reduction)
    losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y)
        loss.backward()
        with torch.no_grad():
            for parameter in model.parameters():
                parameter += step * lr * parameter.grad
        if zero_grad:
            model.zero_grad()
        losses.append(loss.item())
    return losses, [p.detach().clone() for p in model.parameters()]


def _check_fit(student: Student, parameters: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor, lr: float,
               epochs: int, what: str) -> None:
    with explaining("leaf Variable that requires grad", LEAF_IN_PLACE):
        run = student.probe("mlp.fit", what=what, x=x, y=y, lr=lr, epochs=epochs, seed=0, parameters=parameters)
    model = _mlp(parameters)
    expected = (reference.fit(model, x, y, lr, epochs), [p.detach() for p in model.parameters()])
    later = _hand_fit(parameters, x, y, lr, epochs + 1)
    mistakes = {
        "model.zero_grad() forgotten, so the gradients add up over the epochs":
            _hand_fit(parameters, x, y, lr, epochs, zero_grad=False),
        "no update at all (param = param - lr * param.grad only rebinds a name; update in place with -=)":
            _hand_fit(parameters, x, y, lr, epochs, step=0.0),
        "param += lr * param.grad, which climbs the loss instead of descending it":
            _hand_fit(parameters, x, y, lr, epochs, step=1.0),
        "the summed squared error instead of the notes' MSELoss() mean": _hand_fit(parameters, x, y, lr, epochs, reduction="sum"),
        "each loss recorded after its update instead of before": (later[0][1:], expected[1]),
    }
    expect_training(run, expected, mistakes, what=what, epochs=epochs)


def _curve_data(curve: str, points: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Training points and 1000 evaluation points of the notes' curves; the cubic's targets standardised."""
    if curve == "sin":
        x, x_eval = (torch.linspace(-math.pi, math.pi, n).unsqueeze(1) for n in (points, 1000))
        return x, torch.sin(x), x_eval, torch.sin(x_eval)
    x, x_eval = (torch.linspace(-5, 5, n).unsqueeze(1) for n in (points, 1000))
    y, y_eval = x**3 + 2 * x + 1, x_eval**3 + 2 * x_eval + 1
    mean, std = y.mean(), y.std()
    return x, (y - mean) / std, x_eval, (y_eval - mean) / std


def _fitted_loss(student: Student, exercise: Exercise, curve: str, seed: int, what: str) -> tuple[float, list[float]]:
    """Fit a fresh make_mlp() with the student's fit; the MSE of the notes' network with the parameters it ended
    with, computed here on 1000 points, and the losses fit() reported."""
    points, lr, epochs = (exercise.threshold(f"{curve}_{key}") for key in ("points", "lr", "epochs"))
    x, y, x_eval, y_eval = _curve_data(curve, int(points))
    with explaining("leaf Variable that requires grad", LEAF_IN_PLACE):
        run = student.probe("mlp.fit", what=what, x=x, y=y, lr=lr, epochs=int(epochs), seed=seed, own_model=True,
                            timeout_s=max(student.timeout_s, 60.0))
    shapes = [list(p.shape) for p in run["parameters"]]
    if shapes != SHAPES:
        raise fail(f"make_mlp() has parameters of shapes {shapes}; expected the notes' {SHAPES}")
    losses = losses_of(run["result"], what=what, epochs=int(epochs))
    with torch.no_grad():
        loss = float(((_mlp([p.data for p in run["parameters"]])(x_eval) - y_eval) ** 2).mean())
    return loss, losses


@check(points=1, kind="property",
       hint="nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1)), built anew at every call.")
def test_make_mlp_builds_the_notes_network(student: Student, seeded: Callable[[int], int]) -> None:
    """make_mlp() has the notes' layers 1 → 32 → 32 → 1 and gives a new, freshly initialised network at every call"""
    layout = student.probe("mlp.describe", what="make_mlp()", seeds=[seeded(1), seeded(2)])
    if layout["parameter_shapes"] != SHAPES:
        raise fail(f"make_mlp() has nn.Linear layers (in, out, bias) {layout['linear']}, parameters of shapes "
                   f"{layout['parameter_shapes']}; expected Linear(1, 32), Linear(32, 32), Linear(32, 1), all with a bias")
    if layout["same_object"]:
        raise fail("make_mlp() returned the same module twice: build a new nn.Sequential inside the function, "
                   "not once at import")
    if layout["same_values"]:
        raise fail("make_mlp() gave two networks with identical weights although the random state differed: "
                   "do not seed the RNG (torch.manual_seed) inside make_mlp; let nn.Linear draw fresh weights")


@check(points=2, kind="correctness",
       hint="tanh after each of the two hidden layers, none after the last: the output must reach any value.")
def test_network_matches_the_notes_with_the_same_weights(student: Student, rng: torch.Generator) -> None:
    """make_mlp() loaded with given weights computes the notes' function of x"""
    parameters = _random_parameters(rng)
    inputs = [torch.linspace(-math.pi, math.pi, 17).unsqueeze(1), 4 * torch.randn(9, 1, generator=rng)]
    reply = student.probe("mlp.forward", what="make_mlp()(x)", parameters=parameters, inputs=inputs)
    if "mismatch" in reply:
        raise fail(f"make_mlp() has parameters of shapes {reply['mismatch']['parameter_shapes']}; expected {SHAPES}")
    w1, b1, w2, b2, w3, b3 = parameters
    for x, out in zip(inputs, reply["outputs"]):
        with torch.no_grad():
            expected = _mlp(parameters)(x)
        hidden1 = x @ w1.T + b1
        mistakes = {
            "ReLU instead of tanh": torch.relu(torch.relu(hidden1) @ w2.T + b2) @ w3.T + b3,
            "a sigmoid instead of tanh": torch.sigmoid(torch.sigmoid(hidden1) @ w2.T + b2) @ w3.T + b3,
            "no tanh after the second hidden layer": (torch.tanh(hidden1) @ w2.T + b2) @ w3.T + b3,
            "a tanh after the last layer too": torch.tanh(expected),
        }
        expect.tensor(out, expected, what=f"make_mlp()(x) for x of shape {list(x.shape)}", mistakes=mistakes)


@check(points=3, kind="correctness", hint=FIT_HINT)
def test_fit_follows_the_reference_on_sin(student: Student, rng: torch.Generator) -> None:
    """fit(model, x, sin(x), 0.01, 10) gives the reference's losses and parameters"""
    x = torch.linspace(-math.pi, math.pi, 64).unsqueeze(1)
    _check_fit(student, _random_parameters(rng), x, torch.sin(x), 0.01, 10, what="fit(model, x, sin(x), lr=0.01, epochs=10)")


@check(points=1, kind="property", hint="No optimizer here: the update is yours, param -= lr * param.grad under torch.no_grad().")
def test_fit_writes_the_update_by_hand(student: Student, rng: torch.Generator) -> None:
    """fit() updates the parameters itself, without torch.optim"""
    x = torch.linspace(-1, 1, 8).unsqueeze(1)
    with explaining("leaf Variable that requires grad", LEAF_IN_PLACE):
        run = student.probe("mlp.fit", what="fit(model, x, y, 0.01, 2)", x=x, y=x**2, lr=0.01, epochs=2, seed=0,
                            parameters=_random_parameters(rng), watch=list(OPTIMIZERS))
    expect.not_called(run["calls"], OPTIMIZERS, what="fit()")


@check(points=3, kind="convergence",
       hint="With the notes' network and the update right, sin is fitted to a loss near 0.002; check fit() against the reference first.")
def test_fit_learns_sin(student: Student, rng: torch.Generator, exercise: Exercise) -> None:
    """make_mlp() fitted to sin on [−π, π] (100 points, lr 0.05, 1000 epochs) reaches an MSE below 0.01

    lr 0.05 for 1000 epochs follows the path of the notes' lr 0.01 for 5000 epochs, five
    times faster. The MSE is computed here, on 1000 points, from the parameters the
    network ends with.
    """
    what = "fit(make_mlp(), x, sin(x), lr=0.05, epochs=1000)"
    loss, losses = _fitted_loss(student, exercise, "sin", int(torch.randint(0, 2**31, (), generator=rng)), what)
    threshold = exercise.threshold("max_sin_loss")
    student.details.update({"curve": losses, "curve_label": "training loss before each update", "threshold": threshold,
                            "final_loss": loss})
    if not loss < threshold:
        raise fail(f"after {len(losses)} epochs the notes' network with the parameters fit() ended with has an MSE of "
                   f"{loss:.4g} to sin on [−π, π]; expected below {threshold:g} (the reference: about 0.002)")


@check(points=2, kind="convergence",
       hint="Standardise the targets, (y − y.mean()) / y.std(), then fit as for sin; raw targets in the hundreds need tiny steps.")
def test_fit_learns_the_notes_cubic(student: Student, rng: torch.Generator, exercise: Exercise) -> None:
    """The notes' exercise y = x³ + 2x + 1 on [−5, 5], targets standardised: MSE below 0.1 after 1000 epochs at lr 0.05"""
    what = "fit(make_mlp(), x, (y − mean) / std, lr=0.05, epochs=1000) for y = x³ + 2x + 1"
    loss, losses = _fitted_loss(student, exercise, "cubic", int(torch.randint(0, 2**31, (), generator=rng)), what)
    threshold = exercise.threshold("max_cubic_loss")
    student.details.update({"curve": losses, "curve_label": "training loss before each update", "threshold": threshold,
                            "final_loss": loss})
    if not loss < threshold:
        raise fail(f"after {len(losses)} epochs the notes' network with the parameters fit() ended with has an MSE of "
                   f"{loss:.4g} to the standardised cubic; expected below {threshold:g}, i.e. {1 - threshold:.0%} of the "
                   "variance explained")


@check(points=1, kind="property", hint="fit() changes the model's parameters, never x or y.")
def test_fit_leaves_the_data_unchanged(student: Student, rng: torch.Generator) -> None:
    """fit() does not modify x or y"""
    x = torch.linspace(-1, 1, 8).unsqueeze(1)
    with explaining("leaf Variable that requires grad", LEAF_IN_PLACE):
        run = student.probe("mlp.fit", what="fit(model, x, y, 0.01, 2)", x=x, y=x**2, lr=0.01, epochs=2, seed=0,
                            parameters=_random_parameters(rng))
    expect.data_unchanged({"x": x, "y": x**2}, run.get("inputs_after"), what="fit()")


@check(points=1, kind="correctness", hidden=True, hint=FIT_HINT)
def test_fit_follows_the_reference_on_hidden_data(student: Student, rng: torch.Generator) -> None:
    """fit() gives the reference's losses and parameters on a hidden curve"""
    x = torch.sort(torch.rand(int(torch.randint(10, 60, (), generator=rng)), 1, generator=rng) * 4 - 2, dim=0).values
    coefficients = torch.randn(3, generator=rng)
    y = coefficients[0] * x**2 + coefficients[1] * x + coefficients[2]
    lr, epochs = float(torch.empty(()).uniform_(0.005, 0.05, generator=rng)), int(torch.randint(3, 12, (), generator=rng))
    _check_fit(student, _random_parameters(rng), x, y, lr, epochs, what=f"fit(model, x, y, {lr:.4g}, {epochs}) on hidden data")
