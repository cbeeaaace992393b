"""Checks of ``thermometer``: t_c = w·t_u + b fitted with a hand-written gradient (notes 002, 'learning')."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import torch

from grader.catalog import Exercise
from grader.judge import expect
from grader.judge.core import Student, check, explaining, fail
from grader.judge.reference import reference_of

reference = reference_of("thermometer")


NOTES_T_C = torch.tensor([0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0])
NOTES_T_U = torch.tensor([35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4])
NOTES_PARAMS = torch.tensor([1.0, 0.0])
AUTOGRAD_APIS = {
    "torch.Tensor.backward": "this exercise writes the gradient by hand, without autograd",
    "torch.autograd.backward": "this exercise writes the gradient by hand, without autograd",
    "torch.autograd.grad": "this exercise writes the gradient by hand, without autograd",
}
ASCENT = ("the loss grew until it was no longer finite on data where the notes' run converges: "
          "the update must subtract, params = params − learning_rate · grad")


def _random_data(rng: torch.Generator, n: int, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    t_u = 3 * torch.randn(n, generator=rng, dtype=dtype) + 5
    t_c = 0.5 * t_u - 2 + 0.3 * torch.randn(n, generator=rng, dtype=dtype)
    return t_u, t_c


def _grad_mistakes(t_u: torch.Tensor, t_c: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> dict[str, torch.Tensor]:
    t_p = reference.model(t_u, w, b)
    right = reference.grad_fn(t_u, t_c, t_p, w, b)
    per_sample = 2 * (t_p - t_c) / len(t_u)
    return {
        "leaving out the factor 2 of the square": right / 2,
        "a sum instead of a mean (dloss/dt_p not divided by N)": right * len(t_u),
        "flipping the sign (t_c − t_p instead of t_p − t_c)": -right,
        "the order [dloss/db, dloss/dw] instead of [dloss/dw, dloss/db]": right.flip(0),
        "dt_p/db taken as t_u instead of 1": torch.stack([right[0], right[0]]),
        "dt_p/dw taken as 1 instead of t_u": torch.stack([per_sample.sum(), per_sample.sum()]),
    }


def _expect_grad(student: Student, t_u: torch.Tensor, t_c: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                 *, what: str, rtol: float | None = None) -> None:
    t_p = reference.model(t_u, w, b)
    leaves = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
    expected = torch.stack(torch.autograd.grad(reference.loss_fn(reference.model(t_u, *leaves), t_c), leaves))
    out = student.call("grad_fn", t_u, t_c, t_p, w, b, what=what).result
    if isinstance(out, (tuple, list)):
        raise fail(f"{what} returned {expect.describe(out)}; expected ONE tensor of shape [2]: "
                   "torch.stack([dloss_dw, dloss_db])")
    expect.tensor(out, expected, what=what, rtol=rtol, mistakes=_grad_mistakes(t_u, t_c, w, b))


def _descent(t_u: torch.Tensor, t_c: torch.Tensor, lr: float, epochs: int,
             params: torch.Tensor = NOTES_PARAMS) -> tuple[list[torch.Tensor], torch.Tensor]:
    """The reference's loss at the start of each epoch and its final params, never raising."""
    losses = []
    for _ in range(epochs):
        t_p = reference.model(t_u, *params)
        losses.append(reference.loss_fn(t_p, t_c))
        params = params - lr * reference.grad_fn(t_u, t_c, t_p, *params)
    return losses, params


def _first_epoch(losses: list[torch.Tensor], bad: Callable[[torch.Tensor], bool]) -> int | None:
    """The first epoch (counted from 1) whose loss is ``bad``; None if none is."""
    return next((epoch for epoch, loss in enumerate(losses, start=1) if bad(loss)), None)


def _params(value: Any, *, what: str) -> torch.Tensor:
    """The returned params as a float tensor [2], or a failure saying what came back."""
    if isinstance(value, (tuple, list)):
        raise fail(f"{what} returned {expect.describe(value)}; expected the params alone, a tensor of shape [2]")
    return expect.shaped(value, (2,), torch.float32, what=what).data


@check(points=1, kind="correctness", hint="The model is t_p = w · t_u + b: the weight multiplies the reading, the bias is added.")
def test_model_is_w_times_t_u_plus_b(student: Student, rng: torch.Generator) -> None:
    """model(t_u, w, b) is w·t_u + b"""
    t_u, _ = _random_data(rng, 11)
    w, b = torch.randn(2, generator=rng).unbind()
    out = student.call("model", t_u, w, b, what="model(t_u, w, b)").result
    expect.tensor(out, reference.model(t_u, w, b), what="model(t_u, w, b)",
                  mistakes={"w and b swapped (b · t_u + w)": b * t_u + w, "the bias left out": w * t_u})
    w_float, b_float = float(w), float(b)
    with explaining("'float' object", "the stub accepts Python floats for w and b as well as 0-dim tensors: "
                    "w * t_u + b works for both, w.to(...) or w.item() only for tensors"):
        out = student.call("model", t_u, w_float, b_float, what=f"model(t_u, {w_float:.4g}, {b_float:.4g}), with "
                           "Python floats for w and b").result
    expect.tensor(out, reference.model(t_u, w_float, b_float), what="model(t_u, w, b) with Python floats for w and b")


@check(points=1, kind="correctness", hint="loss_fn = ((t_p − t_c) ** 2).mean(): the mean of the squared differences, a 0-dim tensor.")
def test_loss_fn_is_mean_squared_error(student: Student, rng: torch.Generator) -> None:
    """loss_fn(t_p, t_c) is the mean squared error (1763.8848 on the notes' data at w=1, b=0)"""
    t_p, t_c = _random_data(rng, 11)
    for name, prediction, target in (("on the notes' data at w=1, b=0", NOTES_T_U, NOTES_T_C), ("on random data", t_p, t_c)):
        out = student.call("loss_fn", prediction, target, what=f"loss_fn(t_p, t_c) {name}").result
        errors = prediction - target
        expect.tensor(out, reference.loss_fn(prediction, target), what=f"loss_fn(t_p, t_c) {name}", mistakes={
            "a sum instead of a mean": (errors**2).sum(),
            "the mean of absolute differences instead of squared ones": errors.abs().mean(),
            "the differences not squared": errors.mean(),
        })


@check(points=3, kind="correctness",
       hint="dloss/dt_p = 2·(t_p − t_c)/N; then [sum(dloss/dt_p · t_u), sum(dloss/dt_p)], stacked into one tensor [2].")
def test_grad_fn_matches_autograd(student: Student, rng: torch.Generator, exercise: Exercise) -> None:
    """grad_fn equals autograd's gradient of the loss: [4517.2964, 82.6000] at the notes' start, and on random float64 data"""
    _expect_grad(student, NOTES_T_U, NOTES_T_C, *NOTES_PARAMS.unbind(), what="grad_fn at w=1, b=0 on the notes' data")
    t_u, t_c = _random_data(rng, 17, torch.float64)
    w, b = torch.randn(2, generator=rng, dtype=torch.float64).unbind()
    _expect_grad(student, t_u, t_c, w, b, what="grad_fn on random float64 data", rtol=exercise.threshold("gradient_rtol"))


@check(points=1, kind="property", hint="This exercise is the chain rule by hand: .backward() and torch.autograd come in the next one.")
def test_gradient_is_written_by_hand(student: Student, rng: torch.Generator) -> None:
    """grad_fn and training_loop compute the gradient without autograd"""
    t_u, t_c = _random_data(rng, 11)
    w, b = torch.tensor(0.5), torch.tensor(-1.0)
    for name, args in (("grad_fn", (t_u, t_c, reference.model(t_u, w, b), w, b)),
                       ("training_loop", (3, 1e-3, torch.tensor([0.5, -1.0]), t_u, t_c))):
        call = student.call_that_runs(name, *args, watch=tuple(AUTOGRAD_APIS), what=f"{name}()")
        expect.not_called(call.calls if call else [], AUTOGRAD_APIS, what=f"{name}()", read=student.reading(name))
        if call and isinstance(call.result, expect.RemoteTensor) and (call.result.requires_grad or call.result.grad_fn):
            raise fail(f"{name}() returned a tensor attached to an autograd graph; compute it by hand "
                       "from tensors that do not require grad")
    student.expect_one_ran()


@check(points=2, kind="correctness",
       hint="n_epochs full-batch updates, params = params − learning_rate · grad_fn(...), each at the current params.")
def test_training_loop_follows_the_notes_slow_run(student: Student) -> None:
    """training_loop(100, 1e-4, [1, 0], t_u, t_c) ends at the notes' [0.2327, -0.0438]"""
    what = "training_loop(n_epochs=100, learning_rate=1e-4, params=[1.0, 0.0], t_u, t_c)"
    out = student.call("training_loop", 100, 1e-4, NOTES_PARAMS, NOTES_T_U, NOTES_T_C, what=what).result
    params = _params(out, what=what)
    expect.tensor(params, _descent(NOTES_T_U, NOTES_T_C, 1e-4, 100)[1], what=what, mistakes={
        "99 updates instead of 100 (range(1, n_epochs) stops one short)": _descent(NOTES_T_U, NOTES_T_C, 1e-4, 99)[1],
        "101 updates instead of 100": _descent(NOTES_T_U, NOTES_T_C, 1e-4, 101)[1],
        "no update at all (the new params are computed but never used)": NOTES_PARAMS,
    })


@check(points=3, kind="convergence",
       hint="Normalised inputs (0.1·t_u) make w and b learn at similar speeds; with lr 1e-2 the notes reach loss 2.927647 in 5000 epochs.")
def test_training_loop_converges_on_normalised_inputs(student: Student, exercise: Exercise) -> None:
    """On t_un = 0.1·t_u, lr 1e-2, 5000 epochs: loss ≤ 2.93 at the returned params (notes: 2.927647, [5.3671, −17.3012])

    The loss is computed here from the params the student's loop returns.
    """
    epochs, lr = int(exercise.threshold("epochs")), exercise.threshold("learning_rate")
    t_un = 0.1 * NOTES_T_U
    what = f"training_loop({epochs}, {lr:g}, [1.0, 0.0], 0.1·t_u, t_c)"
    with explaining("ValueError", ASCENT):
        out = student.call("training_loop", epochs, lr, NOTES_PARAMS, t_un, NOTES_T_C, what=what,
                           timeout_s=max(student.timeout_s, 60.0)).result
    params = _params(out, what=what)
    loss = float(reference.loss_fn(reference.model(t_un, *params.double()), NOTES_T_C.double()))
    threshold = exercise.threshold("max_final_loss")
    student.details.update({"final_loss": loss, "threshold": threshold, "params": params.tolist()})
    if not loss <= threshold:
        raise fail(f"after {epochs} epochs the params are [{params[0]:.4f}, {params[1]:.4f}] and the loss there is "
                   f"{loss:.6g}; expected ≤ {threshold:g} (the notes reach 2.927647 at [5.3671, −17.3012])")


@check(points=2, kind="property",
       hint="After computing each epoch's loss: if not torch.isfinite(loss): raise ValueError(f'epoch {epoch}: ...'), epochs counted from 1.")
def test_divergence_raises_value_error_naming_the_epoch(student: Student) -> None:
    """On raw t_u with lr 1e-2 the loss is inf at epoch 11: training_loop raises ValueError naming epoch 11"""
    what = "training_loop(100, 1e-2, [1.0, 0.0], t_u, t_c) on the raw readings"
    outcome = student.probe("common.raises", what=what, name="training_loop",
                            args=[100, 1e-2, NOTES_PARAMS, NOTES_T_U, NOTES_T_C])
    losses, _ = _descent(NOTES_T_U, NOTES_T_C, 1e-2, 100)
    inf_epoch = _first_epoch(losses, lambda loss: not bool(torch.isfinite(loss)))
    nan_epoch = _first_epoch(losses, lambda loss: bool(torch.isnan(loss)))
    if "raised" not in outcome:
        raise fail(f"{what} returned {expect.describe(outcome.get('returned'))} instead of raising ValueError: the loss "
                   f"is inf from epoch {inf_epoch} (NaN from epoch {nan_epoch}), so params full of inf and NaN come back. "
                   "Test each epoch's loss with torch.isfinite")
    if "ValueError" not in outcome["bases"]:
        raise fail(f"{what} raised {outcome['raised']}: {outcome['message']}; expected ValueError")
    named = [int(n) for n in re.findall(r"(?<![\d.])\d+(?![\d.])", outcome["message"])]
    if inf_epoch in named:
        return
    sentence = f"{what} raised ValueError({outcome['message']!r}); the message must name epoch {inf_epoch}, where the loss is first inf"
    if nan_epoch in named:
        raise fail(f"{sentence}. It names epoch {nan_epoch}, where the loss first becomes NaN: testing only for NaN "
                   "misses inf; use torch.isfinite(loss)")
    if inf_epoch - 1 in named:
        raise fail(f"{sentence}. It names epoch {inf_epoch - 1}: count epochs from 1 as the notes do "
                   "(for epoch in range(1, n_epochs + 1))")
    if any(0 < n < inf_epoch for n in named):
        raise fail(f"{sentence}. Before epoch {inf_epoch} the loss is large but finite: raise only once it is inf or NaN")
    raise fail(sentence)


@check(points=1, kind="property", hint="Update out of place, params = params − lr · grad; params -= ... changes the caller's tensor.")
def test_inputs_are_not_modified(student: Student, rng: torch.Generator) -> None:
    """No function changes the tensors it is given"""
    t_u, t_c = _random_data(rng, 11)
    params = torch.tensor([0.5, -1.0])
    t_p = reference.model(t_u, *params)
    for name, args, names in (
        ("model", (t_u, *params), ["t_u", "w", "b"]),
        ("loss_fn", (t_p, t_c), ["t_p", "t_c"]),
        ("grad_fn", (t_u, t_c, t_p, *params), ["t_u", "t_c", "t_p", "w", "b"]),
        ("training_loop", (5, 1e-3, params, t_u, t_c), ["n_epochs", "learning_rate", "params", "t_u", "t_c"]),
    ):
        call = student.call_that_runs(name, *args, return_args=True, what=f"{name}()")
        if call is not None:
            expect.unchanged(list(args), call.args_after, names=names, what=f"{name}()", read=student.reading(name))
    student.expect_one_ran()


@check(points=1, kind="correctness", hidden=True,
       hint="grad_fn returns [dloss/dw, dloss/db] of the mean squared error, computed from the t_p it is given.")
def test_grad_fn_matches_autograd_on_hidden_data(student: Student, rng: torch.Generator, exercise: Exercise) -> None:
    """grad_fn equals autograd's gradient on hidden float64 data"""
    t_u, t_c = _random_data(rng, int(torch.randint(2, 40, (), generator=rng)), torch.float64)
    w, b = torch.randn(2, generator=rng, dtype=torch.float64).unbind()
    _expect_grad(student, t_u, t_c, w, b, what="grad_fn on hidden float64 data", rtol=exercise.threshold("gradient_rtol"))


@check(points=1, kind="correctness", hidden=True,
       hint="Each epoch: t_p and the loss at the current params, then params = params − learning_rate · grad_fn(...).")
def test_training_loop_matches_reference_on_hidden_data(student: Student, rng: torch.Generator) -> None:
    """training_loop follows the reference trajectory on hidden data"""
    t_u, t_c = _random_data(rng, 23)
    t_u = 0.2 * t_u
    params = torch.randn(2, generator=rng)
    epochs, lr = int(torch.randint(20, 60, (), generator=rng)), 0.05
    what = f"training_loop({epochs}, {lr}, params, t_u, t_c) on hidden data"
    params_out = _params(student.call("training_loop", epochs, lr, params, t_u, t_c, what=what).result, what=what)
    expect.tensor(params_out, _descent(t_u, t_c, lr, epochs, params)[1], what=what, mistakes={
        f"{epochs - 1} updates instead of {epochs}": _descent(t_u, t_c, lr, epochs - 1, params)[1],
        "adding learning_rate · grad instead of subtracting it": _descent(t_u, t_c, -lr, epochs, params)[1],
    })
