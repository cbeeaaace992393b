"""Training runs judged against the reference: the notes' SGD cycle and the mistakes it invites.

A check runs the student's training function in the worker from given parameters, trains the
reference here from the same ones, and compares the losses and the final parameters; where
they differ, the run is compared with the cycle's known mistakes (zero_grad forgotten or out of
place, losses recorded after the step, a wrong criterion, a hard-coded learning rate) so the
message names the one made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from grader.judge import expect
from grader.judge.core import Student, fail


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
