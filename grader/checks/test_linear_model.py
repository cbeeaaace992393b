"""Checks of ``linear_model``: the model y = x·w fitted with a gradient written by hand (notes 004)."""

from __future__ import annotations

from typing import Any

import torch

from grader.catalog import Exercise
from grader.judge import expect
from grader.judge.core import Student, check, fail
from grader.judge.reference import reference_of

reference = reference_of("linear_model")


NOTES_XS = torch.tensor([1.0, 2.0, 3.0])
NOTES_YS = torch.tensor([2.0, 4.0, 6.0])
AUTOGRAD_APIS = {
    "torch.Tensor.backward": "the gradient must be written by hand, without autograd",
    "torch.autograd.backward": "the gradient must be written by hand, without autograd",
    "torch.autograd.grad": "the gradient must be written by hand, without autograd",
}


def _random_data(rng: torch.Generator, n: int, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    xs = torch.randn(n, generator=rng, dtype=dtype)
    ys = 3 * xs + 0.5 * torch.randn(n, generator=rng, dtype=dtype)
    return xs, ys


def _fit_result(value: Any, *, what: str, epochs: int, w0: torch.Tensor) -> tuple[torch.Tensor, list[float]]:
    """Unpack ``(w, losses)`` as returned by gradient_descent or sgd, or fail saying which promise is broken."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise fail(f"{what} returned {expect.describe(value)}; expected a pair (w, list of {epochs} losses)")
    w, losses = value
    if not isinstance(w, expect.RemoteTensor) or w.data.numel() != 1:
        raise fail(f"{what} returned w as {expect.describe(w)}; expected a one-element tensor")
    if w.shape != tuple(w0.shape) or w.dtype != w0.dtype:
        raise fail(f"{what} returned w of shape {list(w.shape)} and dtype {w.dtype} for a w0 of shape "
                   f"{list(w0.shape)} and dtype {w0.dtype}; the final w must be shaped like w0, in its dtype: "
                   "start from w = w0.clone() and update it out of place, w = w - lr * grad")
    if not isinstance(losses, list):
        raise fail(f"{what} returned its losses as {expect.describe(losses)}; expected a list of {epochs} floats")
    if len(losses) != epochs:
        raise fail(f"{what} returned {len(losses)} losses for {epochs} epochs; expected one per epoch")
    for i, loss in enumerate(losses):
        if not isinstance(loss, float):
            raise fail(f"{what}: losses[{i}] is {expect.describe(loss)}; the stub promises a Python float: "
                       "append loss.item(), not the tensor")
    return w.data.reshape(()).to(torch.float64), losses


@check(points=1, kind="correctness", hint="The model is ŷ = x · w, elementwise: one multiplication.")
def test_forward_matches_reference(student: Student, rng: torch.Generator) -> None:
    """forward(x, w) is x·w for a 0-dim and a one-element w, for x of any shape, in the inputs' dtype"""
    for x_shape, w_shape, dtype in (((17,), (), torch.float32), ((17,), (1,), torch.float32),
                                    ((3, 5), (), torch.float64)):
        x = torch.randn(x_shape, generator=rng, dtype=dtype)
        w = torch.randn(w_shape, generator=rng, dtype=dtype)
        what = f"forward(x, w) with x of shape {list(x_shape)} and w of shape {list(w_shape)}, both {dtype}"
        out = student.call("forward", x, w, what=what).result
        expect.tensor(out, reference.forward(x, w), what=what, mistakes={"x + w instead of x * w": x + w})


@check(points=1, kind="correctness",
       hint="cost = mean over the samples of (x·w − y)²: a 0-dim tensor whatever w's shape, in the inputs' dtype.")
def test_cost_is_mean_squared_error(student: Student, rng: torch.Generator) -> None:
    """cost(xs, ys, w) is the mean squared error, a 0-dim tensor for a 0-dim and a one-element w, float64 included"""
    for w_shape, dtype in (((), torch.float32), ((1,), torch.float32), ((), torch.float64)):
        xs, ys = _random_data(rng, 11, dtype)
        w = torch.randn(w_shape, generator=rng, dtype=dtype)
        what = f"cost(xs, ys, w) with w of shape {list(w_shape)}, {dtype}"
        out = student.call("cost", xs, ys, w, what=what).result
        errors = xs * w - ys
        expect.tensor(out, reference.cost(xs, ys, w), what=what, mistakes={
            "a sum instead of a mean": (errors**2).sum(),
            "a mean of absolute errors instead of squared ones": errors.abs().mean(),
            "the error not squared": errors.mean(),
            "reshaping the cost to w's shape (the stub promises a 0-dim tensor whatever w's shape)":
                (errors**2).mean().reshape(w_shape),
        })


@check(points=2, kind="correctness",
       hint="d/dw of mean((x·w − y)²) is mean(2·x·(x·w − y)): keep the 2, take the mean, mind the sign.")
def test_gradient_matches_autograd(student: Student, rng: torch.Generator, exercise: Exercise) -> None:
    """gradient(xs, ys, w) equals autograd's derivative of the cost (float64)"""
    for n, shape in ((13, ()), (40, (1,))):
        xs, ys = _random_data(rng, n, torch.float64)
        w = torch.randn(shape, generator=rng, dtype=torch.float64)
        leaf = w.clone().requires_grad_(True)
        (expected,) = torch.autograd.grad(((xs * leaf - ys) ** 2).mean(), leaf)
        out = student.call("gradient", xs, ys, w, what="gradient(xs, ys, w)").result
        expect.tensor(out, expected, what=f"gradient(xs, ys, w) for {n} samples and w of shape {list(shape)}",
                      rtol=exercise.threshold("gradient_rtol"), mistakes={
                          "leaving out the factor 2": expected / 2,
                          "a sum instead of a mean": expected * n,
                          "flipping the sign (y − x·w instead of x·w − y)": -expected,
                          "returning the 0-dim mean without .reshape(w.shape) (w.grad has w's shape)":
                              expected.reshape(()),
                      })


@check(points=1, kind="property", hint="Write the derivative as a formula; .backward() and torch.autograd are for later.")
def test_gradient_does_not_use_autograd(student: Student, rng: torch.Generator) -> None:
    """gradient(), gradient_descent() and sgd() compute derivatives by hand, without autograd"""
    xs, ys = _random_data(rng, 8)
    call = student.call_that_runs("gradient", xs, ys, torch.tensor(0.5), watch=tuple(AUTOGRAD_APIS),
                                  what="gradient(xs, ys, w)")
    expect.not_called(call.calls if call else [], AUTOGRAD_APIS, what="gradient(xs, ys, w)",
                      read=student.reading("gradient"))
    if call and isinstance(call.result, expect.RemoteTensor) and (call.result.requires_grad or call.result.grad_fn):
        raise fail("gradient(xs, ys, w) returned a tensor attached to an autograd graph; compute it by hand "
                   "from tensors that do not require grad")
    for name in ("gradient_descent", "sgd"):
        call = student.call_that_runs(name, xs, ys, torch.tensor(0.5), 0.01, 2, watch=tuple(AUTOGRAD_APIS),
                                      what=f"{name}()")
        expect.not_called(call.calls if call else [], AUTOGRAD_APIS, what=f"{name}()", read=student.reading(name))
    student.expect_one_ran()


@check(points=2, kind="convergence",
       hint="Each epoch: record cost(xs, ys, w), then w = w − lr · gradient(xs, ys, w). Subtract: the gradient points uphill.")
def test_gradient_descent_converges_on_the_notes_data(student: Student, exercise: Exercise) -> None:
    """gradient_descent() on the notes' data (w0=1, lr=0.01, 100 epochs) reaches w = 2, for a 0-dim and a [1] w0"""
    w0, lr, epochs = torch.tensor(1.0), 0.01, 100
    out = student.call("gradient_descent", NOTES_XS, NOTES_YS, w0, lr, epochs,
                       what="gradient_descent(xs, ys, w0=1.0, lr=0.01, epochs=100)").result
    w, costs = _fit_result(out, what="gradient_descent()", epochs=epochs, w0=w0)
    final_cost = float(reference.cost(NOTES_XS.double(), NOTES_YS.double(), w))
    details = {"curve": costs, "curve_label": "cost before each epoch's update", "threshold": 0.0, "w": float(w)}
    if abs(float(w) - 2.0) > abs(1.0 - 2.0):
        raise fail(f"w moved away from 2 (from 1.0 to {float(w):.6g}): the update must subtract lr · gradient, "
                   "w = w − lr · grad; adding it climbs the cost", **details)
    if abs(float(w) - 2.0) >= exercise.threshold("w_tolerance"):
        raise fail(f"after 100 epochs w is {float(w):.6g}; expected |w − 2| < {exercise.threshold('w_tolerance'):g} "
                   f"(the cost at that w is {final_cost:.3g})", **details)
    expected_first = float(reference.cost(NOTES_XS, NOTES_YS, w0))
    if abs(costs[0] - expected_first) > 1e-4 * expected_first:
        raise fail(f"the first recorded cost is {costs[0]:.6g}; the cost at w0 is {expected_first:.6g}. "
                   "Record each epoch's cost before its update, as the notes print cost_val", **details)
    rising = [i for i in range(1, epochs) if costs[i] > costs[i - 1] * (1 + 1e-6) + 1e-12]
    if rising:
        raise fail(f"the cost rose at epoch {rising[0]} ({costs[rising[0] - 1]:.6g} → {costs[rising[0]]:.6g}); "
                   "with lr=0.01 every full-batch step must lower it", **details)
    _fits_every_valid_w0(student, "gradient_descent")


def _fits_every_valid_w0(student: Student, name: str) -> None:
    """``name`` (gradient_descent or sgd) follows the reference from a [1] float64 w0, and for 0 epochs."""
    fit = getattr(reference, name)
    for w0, epochs in ((torch.tensor([1.0], dtype=torch.float64), 20), (torch.tensor(1.0), 0)):
        xs, ys = NOTES_XS.to(w0.dtype), NOTES_YS.to(w0.dtype)
        what = f"{name}() from a w0 of shape {list(w0.shape)} and dtype {w0.dtype}, for {epochs} epochs"
        out = student.call(name, xs, ys, w0, 0.01, epochs, what=what).result
        w, losses = _fit_result(out, what=what, epochs=epochs, w0=w0)
        expected_w, expected_losses = fit(xs, ys, w0, 0.01, epochs)
        expect.tensor(w, expected_w.reshape(()).double(), what=f"the final w of {what}")
        expect.tensor(torch.tensor(losses, dtype=torch.float64), torch.tensor(expected_losses, dtype=torch.float64),
                      what=f"the losses of {what}", rtol=1e-4, atol=1e-8)


@check(points=1, kind="correctness", hidden=True,
       hint="Each epoch: record the cost at the current w, then one full-batch update w = w − lr · gradient.")
def test_gradient_descent_matches_reference(student: Student, rng: torch.Generator) -> None:
    """gradient_descent() follows the reference trajectory on random data"""
    xs, ys = _random_data(rng, 32)
    w0, lr, epochs = torch.randn((), generator=rng), 0.05, 20
    out = student.call("gradient_descent", xs, ys, w0, lr, epochs, what="gradient_descent()").result
    w, costs = _fit_result(out, what="gradient_descent()", epochs=epochs, w0=w0)
    expected_w, expected_costs = reference.gradient_descent(xs, ys, w0, lr, epochs)
    expect.tensor(w.float(), expected_w, what="the final w")
    after = reference.gradient_descent(xs, ys, w0, lr, epochs + 1)[1][1:]
    expect.tensor(torch.tensor(costs), torch.tensor(expected_costs),
                  what="the list of costs", mistakes={"recording the cost after each update": torch.tensor(after)})


def _check_sgd(student: Student, xs: torch.Tensor, ys: torch.Tensor, w0: torch.Tensor, lr: float, epochs: int) -> None:
    out = student.call("sgd", xs, ys, w0, lr, epochs, what="sgd()").result
    w, losses = _fit_result(out, what="sgd()", epochs=epochs, w0=w0)
    expected_w, expected_losses = reference.sgd(xs, ys, w0, lr, epochs)
    full_batch_w = reference.gradient_descent(xs, ys, w0, lr, epochs)[0]
    expect.tensor(w.float(), expected_w, what="the final w of sgd()",
                  mistakes={"one full-batch step per epoch (sgd must update once per sample, in order)": full_batch_w,
                            "adding lr · gradient instead of subtracting it": reference.sgd(xs, ys, w0, -lr, epochs)[0]})
    expect.tensor(torch.tensor(losses), torch.tensor(expected_losses),
                  what="the losses of sgd()", rtol=1e-3, atol=1e-6)


@check(points=2, kind="correctness",
       hint="Stochastic gradient descent updates w after every sample: for x, y in zip(xs, ys): w = w − lr · 2x(xw − y).")
def test_sgd_matches_reference_on_the_notes_data(student: Student) -> None:
    """sgd() makes one update per sample on the notes' data, for a 0-dim and a [1] w0"""
    _check_sgd(student, NOTES_XS, NOTES_YS, torch.tensor(1.0), 0.01, 10)
    _fits_every_valid_w0(student, "sgd")


@check(points=1, kind="correctness", hidden=True,
       hint="One update per sample, in order; per epoch keep the loss of the last sample, computed after its update.")
def test_sgd_matches_reference(student: Student, rng: torch.Generator) -> None:
    """sgd() follows the reference trajectory on random data"""
    xs, ys = _random_data(rng, 9)
    _check_sgd(student, xs, ys, torch.randn((), generator=rng), 0.02, 6)


@check(points=1, kind="property", hint="Copy w0 (w = w0.clone()) or update out of place (w = w − ...), never w0 -= ...")
def test_inputs_are_not_modified(student: Student, rng: torch.Generator) -> None:
    """No function changes the tensors it is given"""
    xs, ys = _random_data(rng, 6)
    w0 = torch.tensor(0.5)
    for name, args, names in (
        ("cost", (xs, ys, w0), ["xs", "ys", "w"]),
        ("gradient", (xs, ys, w0), ["xs", "ys", "w"]),
        ("gradient_descent", (xs, ys, w0, 0.01, 3), ["xs", "ys", "w0"]),
        ("sgd", (xs, ys, w0, 0.01, 3), ["xs", "ys", "w0"]),
    ):
        call = student.call_that_runs(name, *args, return_args=True, what=f"{name}()")
        if call is not None:
            expect.unchanged(list(args), call.args_after, names=names, what=f"{name}()", read=student.reading(name))
    student.expect_one_ran()
