"""Checks of ``metrics``: Keras-style ``Mean`` and ``SparseCategoricalAccuracy`` (notes 003, metrics)."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from grader.judge import expect
from grader.judge.core import Student, check, explaining, fail

NUM_CLASSES = 5
ZERO_BEFORE_UPDATE = ("result() before any update must be 0.0, as Keras's metrics give: guard the division "
                      "(total / count if count else 0.0)")
#: A running total kept in float32 is fine: its rounding stays far below this.
TOLERANCE = {"rtol": 1e-5, "atol": 1e-7}
ANY_NUMBER = ("update_state takes a Python number (an int as well as a float) or a tensor: torch.as_tensor(values) "
              "turns each into a tensor")
ARGMAX_DIM0 = "the predicted class is y_pred.argmax(dim=-1), one per sample; argmax over dim 0 gives one per class"


def _run(student: Student, cls: str, steps: list[list[Any]], *, what: str, kwargs: dict[str, Any] | None = None,
         device: str | None = None) -> dict[str, Any]:
    with explaining("ZeroDivisionError", ZERO_BEFORE_UPDATE), explaining("must match the size", ARGMAX_DIM0), \
            explaining("'int' object", ANY_NUMBER):
        return student.probe("metrics.run", what=what, cls=cls, kwargs=kwargs or {}, steps=steps, device=device)


def _results(reply: dict[str, Any], what: str) -> torch.Tensor:
    values = []
    for index, value in enumerate(reply["results"]):
        if isinstance(value, expect.RemoteTensor) and (value.requires_grad or value.grad_fn):
            raise fail(f"{what}: result() returned a tensor attached to an autograd graph; return a Python float")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise fail(f"{what}: result() number {index + 1} is {expect.describe(value)}; the stub promises a Python "
                       "float (logs print it with f'{result:.4f}' and store it as JSON): return float(total / count), "
                       "or .item() of a tensor")
        values.append(expect.as_float(value, what=f"{what}: result() number {index + 1}"))
    return torch.tensor(values, dtype=torch.float64)


def _expect_results(got: torch.Tensor, expected: list[float], *, what: str,
                    mistakes: dict[str, torch.Tensor] | None = None) -> None:
    expect.tensor(got, torch.tensor(expected, dtype=torch.float64), what=what, mistakes=mistakes, **TOLERANCE)


def _running(stats: list[tuple[float, float]]) -> list[float]:
    """Running ratio of cumulated numerators over cumulated denominators."""
    out, top, bottom = [], 0.0, 0.0
    for numerator, denominator in stats:
        top, bottom = top + numerator, bottom + denominator
        out.append(top / bottom if bottom else 0.0)
    return out


def _running_mean_of(values: list[float]) -> list[float]:
    return [sum(values[: i + 1]) / (i + 1) for i in range(len(values))]


def _mean_stream(rng: torch.Generator, sizes: list[tuple[int, ...] | type | None]) -> tuple[list[list[Any]], list[tuple[float, float]]]:
    """Update steps (each followed by a result) for ``Mean``; ``None`` stands for a Python float, ``int`` for an int."""
    steps, stats = [], []
    for shape in sizes:
        if shape is int:
            value: Any = int(torch.randint(-9, 10, (), generator=rng))
            stats.append((float(value), 1.0))
        elif shape is None:
            value = round(float(torch.randn((), generator=rng)) * 3, 3)
            stats.append((value, 1.0))
        else:
            value = torch.randn(shape, generator=rng) * 3 + 1
            stats.append((float(value.double().sum()), float(value.numel())))
        steps += [["update", [value]], ["result"]]
    return steps, stats


def _mean_mistakes(stats: list[tuple[float, float]]) -> dict[str, torch.Tensor]:
    means = [s / n for s, n in stats]
    sums = [sum(s for s, _ in stats[: i + 1]) for i in range(len(stats))]
    return {
        "the mean of the per-update means (each element must count once: a tensor of 6 values weighs 6)":
            torch.tensor(_running_mean_of(means), dtype=torch.float64),
        "the last update's mean only (the values must accumulate)": torch.tensor(means, dtype=torch.float64),
        "the running sum, not the mean": torch.tensor(sums, dtype=torch.float64),
        "the total divided by the number of update_state calls":
            torch.tensor([total / (i + 1) for i, total in enumerate(sums)], dtype=torch.float64),
    }


@check(points=2, kind="correctness",
       hint="Keep a running total and a running count of ELEMENTS (values.numel()); result() = total / count.")
def test_mean_streaming_equals_one_shot(student: Student, rng: torch.Generator) -> None:
    """Mean over updates of uneven sizes (tensors, floats, ints) is the mean of every value seen"""
    steps, stats = _mean_stream(rng, [(5,), (3, 2), None, (), int, (1,)])
    got = _results(_run(student, "Mean", steps, what="Mean: update_state / result"), "Mean")
    _expect_results(got, _running(stats), what="Mean.result() after each update", mistakes=_mean_mistakes(stats))


def _accuracy_batch(rng: torch.Generator, n: int, *, column: bool = False) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Labels (shape [n] or [n, 1]) and scores [n, C], about half right; also how many are right."""
    scores = torch.randn(n, NUM_CLASSES, generator=rng)
    predicted = scores.argmax(1)
    right = torch.rand(n, generator=rng) < 0.5
    labels = torch.where(right, predicted, (predicted + 1) % NUM_CLASSES)
    return (labels.unsqueeze(1) if column else labels), scores, int(right.sum())


def _accuracy_stream(rng: torch.Generator, sizes: list[int]) -> tuple[list[list[Any]], list[tuple[float, float]]]:
    steps, stats = [], []
    for n in sizes:
        labels, scores, right = _accuracy_batch(rng, n)
        steps += [["update", [labels, scores]], ["result"]]
        stats.append((float(right), float(n)))
    return steps, stats


def _accuracy_mistakes(stats: list[tuple[float, float]]) -> dict[str, torch.Tensor]:
    batch = [r / n for r, n in stats]
    return {
        "the mean of per-batch accuracies (a short batch then weighs as much as a full one)":
            torch.tensor(_running_mean_of(batch), dtype=torch.float64),
        "the last batch's accuracy only (the counts must accumulate)": torch.tensor(batch, dtype=torch.float64),
        "a percentage instead of a fraction": 100 * torch.tensor(_running(stats), dtype=torch.float64),
    }


@check(points=2, kind="correctness",
       hint="Count over samples: correct += (y_pred.argmax(-1) == y_true).sum(); total += number of labels; "
            "result() = correct / total.")
def test_accuracy_streaming_equals_one_shot(student: Student, rng: torch.Generator) -> None:
    """SparseCategoricalAccuracy over batches of 7, 7 and 3 samples is the accuracy over all 17"""
    steps, stats = _accuracy_stream(rng, [7, 7, 3])
    got = _results(_run(student, "SparseCategoricalAccuracy", steps, what="SparseCategoricalAccuracy: update_state / "
                        "result"), "SparseCategoricalAccuracy")
    _expect_results(got, _running(stats), what="SparseCategoricalAccuracy.result() after each batch",
                    mistakes=_accuracy_mistakes(stats))


def _reset_mistakes(before: tuple[float, float], after: tuple[float, float], first: float) -> dict[str, torch.Tensor]:
    (top_a, bottom_a), (top_b, bottom_b) = before, after
    return {
        "reset_state() resetting the total but not the count":
            torch.tensor([first, 0.0, top_b / (bottom_a + bottom_b)], dtype=torch.float64),
        "reset_state() resetting nothing (the old values still count)":
            torch.tensor([first, first, (top_a + top_b) / (bottom_a + bottom_b)], dtype=torch.float64),
    }


def _expect_reset(student: Student, cls: str, steps_a: list[list[Any]], stats_a: list[tuple[float, float]],
                  steps_b: list[list[Any]], stats_b: list[tuple[float, float]]) -> None:
    updates_a = [s for s in steps_a if s[0] == "update"]
    updates_b = [s for s in steps_b if s[0] == "update"]
    steps = [*updates_a, ["result"], ["reset"], ["result"], *updates_b, ["result"]]
    got = _results(_run(student, cls, steps, what=f"{cls}: update_state, reset_state, update_state"), cls)
    before = (sum(s for s, _ in stats_a), sum(n for _, n in stats_a))
    after = (sum(s for s, _ in stats_b), sum(n for _, n in stats_b))
    first = before[0] / before[1]
    _expect_results(got, [first, 0.0, after[0] / after[1]],
                    what=f"{cls}.result() before reset_state(), right after it, and after new updates",
                    mistakes=_reset_mistakes(before, after, first))


@check(points=1, kind="correctness", hint="reset_state() sets BOTH counters back to zero, as __init__ does.")
def test_mean_reset_state_forgets_everything(student: Student, rng: torch.Generator) -> None:
    """After Mean.reset_state(), result() is 0.0 and only later values count"""
    steps_a, stats_a = _mean_stream(rng, [(4,), (2,)])
    steps_b, stats_b = _mean_stream(rng, [(3,), None])
    _expect_reset(student, "Mean", steps_a, stats_a, steps_b, stats_b)


@check(points=1, kind="correctness", hint="reset_state() sets both the correct and the total count back to zero.")
def test_accuracy_reset_state_forgets_everything(student: Student, rng: torch.Generator) -> None:
    """After SparseCategoricalAccuracy.reset_state(), result() is 0.0 and only later batches count"""
    steps_a, stats_a = _accuracy_stream(rng, [6, 4])
    steps_b, stats_b = _accuracy_stream(rng, [5])
    _expect_reset(student, "SparseCategoricalAccuracy", steps_a, stats_a, steps_b, stats_b)


@check(points=1, kind="property", hint=ZERO_BEFORE_UPDATE)
def test_result_before_any_update_is_zero(student: Student) -> None:
    """result() of a metric that has seen nothing is 0.0, not an error or NaN"""
    for cls in ("Mean", "SparseCategoricalAccuracy"):
        got = _results(_run(student, cls, [["result"]], what=f"{cls}().result()"), cls)[0]
        if got != 0.0:
            raise fail(f"{cls}().result() before any update is {float(got)}; expected 0.0 (Keras's convention): "
                       "guard the division by a zero count")


@check(points=1, kind="property",
       hint="Store plain numbers: total += float(values.sum()) (or values.detach()), never the loss tensor itself.")
def test_mean_keeps_no_autograd_graph(student: Student, rng: torch.Generator) -> None:
    """Mean fed losses that carry an autograd graph keeps no graph alive and returns a float"""
    losses = [torch.rand((), generator=rng), torch.rand(4, generator=rng)]
    reply = _run(student, "Mean", [["update_with_graph", [v]] for v in losses] + [["result"]],
                 what="Mean().update_state(loss) with losses that require grad")
    got = _results(reply, "Mean")[0]
    if reply["graph_kept"]:
        raise fail("after update_state(loss) the Mean holds a tensor attached to the autograd graph: every batch's "
                   "graph would stay in memory for the whole epoch; accumulate float(values.sum()) or detached tensors")
    expected = float(sum(v.double().sum() for v in losses)) / 5
    expect.number(float(got), expected, what="Mean.result() of the losses")


@check(points=1, kind="property",
       hint="Labels of shape [N, 1] must be squeezed (out of place) to [N] before comparing with the predictions [N].")
def test_accuracy_accepts_labels_of_shape_n_by_1(student: Student, rng: torch.Generator) -> None:
    """SparseCategoricalAccuracy counts labels of shape [N, 1] like labels [N], and leaves them unchanged"""
    labels, scores, right = _accuracy_batch(rng, 6, column=True)
    reply = _run(student, "SparseCategoricalAccuracy", [["update", [labels, scores]], ["result"]],
                 what="SparseCategoricalAccuracy().update_state(labels of shape [6, 1], scores)")
    got = float(_results(reply, "SparseCategoricalAccuracy")[0])
    predicted = scores.argmax(1)
    broadcast = float((predicted.view(1, -1) == labels.view(-1, 1)).sum())
    if abs(got - right / 6) > 1e-9:
        named = ("; it matches comparing predictions [6] with labels [6, 1], which broadcasts to a [6, 6] table"
                 if any(abs(got - broadcast / d) < 1e-9 for d in (6, 36)) else "")
        raise fail(f"with labels of shape [6, 1] the accuracy is {got:.6g}; expected {right / 6:.6g} "
                   f"({right} of 6 right){named}: squeeze the labels' last dimension first")
    after = reply["updated"][0][0]
    if not isinstance(after, expect.RemoteTensor) or after.shape != (6, 1) or not torch.equal(after.data, labels):
        raise fail("update_state changed the caller's labels in place (squeeze_?): use labels.squeeze(-1), "
                   "which returns a new view")


@check(points=1, kind="property",
       hint="Keep the name: Mean(name='mean'), SparseCategoricalAccuracy(name='sparse_categorical_accuracy'); self.name = name.")
def test_metrics_have_keras_names(student: Student) -> None:
    """Metrics are named as in Keras by default, and take another name when given one"""
    for cls, kwargs, wanted in (("Mean", {}, "mean"), ("Mean", {"name": "loss"}, "loss"),
                                ("SparseCategoricalAccuracy", {}, "sparse_categorical_accuracy"),
                                ("SparseCategoricalAccuracy", {"name": "acc"}, "acc")):
        signature = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        name = _run(student, cls, [], kwargs=kwargs, what=f"{cls}({signature})")["name"]
        if name is None:
            raise fail(f"{cls}({signature}) has no .name attribute; expected {wanted!r}: keep the constructor's "
                       "name argument as self.name (the notes' logs use logs[metric.name])")
        if name != wanted:
            raise fail(f"{cls}({signature}).name is {name!r}; expected {wanted!r} (the notes' logs use "
                       "logs[metric.name])")


@check(points=2, kind="correctness", hidden=True,
       hint="Accumulate over samples (or elements) since the last reset; result() divides the two running counts.")
def test_random_streams_with_a_reset(student: Student, rng: torch.Generator) -> None:
    """Both metrics follow random streams of uneven updates with a reset in the middle"""
    sizes = [int(n) for n in torch.randint(1, 12, (5,), generator=rng)]
    steps_a, stats_a = _accuracy_stream(rng, sizes[:2])
    steps_b, stats_b = _accuracy_stream(rng, sizes[2:])
    got = _results(_run(student, "SparseCategoricalAccuracy", steps_a + [["reset"]] + steps_b,
                        what="SparseCategoricalAccuracy on a random stream"), "SparseCategoricalAccuracy")
    _expect_results(got, _running(stats_a) + _running(stats_b),
                    what="SparseCategoricalAccuracy.result() on a random stream with a reset after two batches")
    shapes: list[tuple[int, ...] | None] = [(n,) for n in sizes[:3]] + [None, (sizes[3], 2)]
    steps_a, stats_a = _mean_stream(rng, shapes[:2])
    steps_b, stats_b = _mean_stream(rng, shapes[2:])
    got = _results(_run(student, "Mean", steps_a + [["reset"]] + steps_b, what="Mean on a random stream"), "Mean")
    _expect_results(got, _running(stats_a) + _running(stats_b),
                    what="Mean.result() on a random stream with a reset after two updates")


@check(points=1, kind="correctness",
       hint="Compare on the predictions' device and turn counts into Python numbers (int(...), float(...)).")
def test_metrics_work_on_cuda_tensors(student: Student, rng: torch.Generator) -> None:
    """On a GPU, both metrics take CUDA tensors and give the same results"""
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here: run on a machine with a GPU to check the metrics on CUDA tensors")
    steps, stats = _accuracy_stream(rng, [7, 3])
    got = _results(_run(student, "SparseCategoricalAccuracy", steps, what="SparseCategoricalAccuracy on CUDA",
                        device="cuda"), "SparseCategoricalAccuracy")
    _expect_results(got, _running(stats), what="SparseCategoricalAccuracy on CUDA")
    steps, stats = _mean_stream(rng, [(4,), ()])
    got = _results(_run(student, "Mean", steps, what="Mean on CUDA", device="cuda"), "Mean")
    _expect_results(got, _running(stats), what="Mean on CUDA")
