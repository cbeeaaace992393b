"""Checks of ``encoding``: one-hot encoding with ``scatter_`` (notes 002: wine quality, bike weather)."""

from __future__ import annotations

from typing import Any

import torch

from grader.catalog import Exercise
from grader.judge import expect, throughput
from grader.judge.core import Student, check, explaining
from grader.judge.reference import reference_of

reference = reference_of("encoding")


FORBIDDEN = {"torch.nn.functional.one_hot": "build the encoding yourself with scatter_"}
#: The integer dtypes besides torch.long that the stub calls valid labels.
INTEGER_DTYPES = (torch.int32, torch.uint8, torch.int16, torch.int8)


def _shifted(target: torch.Tensor, num_classes: int, shift: int) -> torch.Tensor:
    return reference.one_hot(target + shift, num_classes)


def _wrong_dim(target: torch.Tensor, num_classes: int) -> dict[str, torch.Tensor]:
    if int(target.max()) >= len(target):
        return {}
    wrong = torch.zeros(len(target), num_classes).scatter_(0, target.unsqueeze(1), 1.0)
    return {"scattering along dim 0 instead of dim 1": wrong}


@check(points=2, kind="correctness",
       hint="zeros(N, C).scatter_(1, target.unsqueeze(1), 1.0): row i gets a 1.0 in column target[i], nothing shifted.")
def test_one_hot_matches_reference(student: Student, rng: torch.Generator) -> None:
    """one_hot(target, C) puts a single 1.0 in column target[i] of row i, for labels of every integer dtype"""
    inner = torch.randint(1, 9, (40,), generator=rng)  # labels 1..8 of 10: a shift stays in range
    full = torch.cat([torch.tensor([0, 9]), torch.randint(0, 10, (30,), generator=rng)])
    for target in (inner, full):
        out = student.call("one_hot", target, 10, what="one_hot(target, 10)").result
        mistakes = {"labels shifted by -1 (target - 1)": _shifted(target, 10, -1)} if target is inner else {}
        if target is inner:
            mistakes["labels shifted by +1"] = _shifted(target, 10, 1)
        expect.tensor(out, reference.one_hot(target, 10), what="one_hot(target, 10)",
                      mistakes={**mistakes, **_wrong_dim(target, 10)})
    for dtype in INTEGER_DTYPES:
        what = f"one_hot(target of dtype {dtype}, 10)"
        with explaining("scatter", "labels of any integer dtype are valid: scatter_ wants a torch.long index, "
                        "so pass target.long().unsqueeze(1)"):
            out = student.call("one_hot", full.to(dtype), 10, what=what).result
        expect.tensor(out, reference.one_hot(full, 10), what=what)


@check(points=2, kind="correctness",
       hint="The class axis goes where `dim` says: scatter_(dim, indices.unsqueeze(dim), 1.0) into zeros of the final shape.")
def test_one_hot_along_inserts_the_class_axis_at_dim(student: Student, rng: torch.Generator) -> None:
    """one_hot_along(indices, C, dim) inserts the class axis at dim (bike weather [730, 24] -> [730, 4, 24])"""
    weather = torch.randint(0, 4, (730, 24), generator=rng)
    cases = [(weather, 4, 1), (weather, 4, 0), (weather, 4, -1), (torch.randint(0, 5, (3, 4, 6), generator=rng), 5, 2),
             (torch.randint(0, 3, (7,), generator=rng), 3, 0), (weather.to(torch.uint8), 4, 1),
             (weather[:5].to(torch.int32), 4, -1)]
    for indices, num_classes, dim in cases:
        what = f"one_hot_along(indices of shape {list(indices.shape)} and dtype {indices.dtype}, {num_classes}, dim={dim})"
        with explaining("scatter", "labels of any integer dtype are valid: scatter_ wants a torch.long index, "
                        "so pass indices.long().unsqueeze(dim)"):
            out = student.call("one_hot_along", indices, num_classes, dim, what=what).result
        expected = reference.one_hot_along(indices, num_classes, dim)
        others = {f"putting the class axis at dim {d}": reference.one_hot_along(indices, num_classes, d)
                  for d in range(-indices.dim() - 1, indices.dim() + 1)
                  if reference.one_hot_along(indices, num_classes, d).shape != expected.shape}
        expect.tensor(out, expected, what=what, mistakes=others)


def _expect_raises(student: Student, name: str, args: list[Any], error: str, mentions: str, what: str) -> None:
    outcome = student.probe("common.raises", what=what, name=name, args=args)
    expect.raised(outcome, error, what=what, mentions=mentions, should=f"name the bad value {mentions}")


@check(points=2, kind="property",
       hint="Check the labels first: non-integer dtype ⇒ TypeError; any label < 0 or ≥ num_classes ⇒ ValueError naming it.")
def test_bad_labels_get_a_clear_error(student: Student) -> None:
    """Labels out of range or negative raise ValueError naming the label; float and bool labels raise TypeError first"""
    for name, extra in (("one_hot", []), ("one_hot_along", [1])):
        _expect_raises(student, name, [torch.tensor([1, 2, 10]), 10, *extra], "ValueError", "10",
                       f"{name}(labels containing 10, num_classes=10)")
        _expect_raises(student, name, [torch.tensor([0, -3, 1]), 10, *extra], "ValueError", "-3",
                       f"{name}(labels containing -3, num_classes=10)")
        _expect_raises(student, name, [torch.tensor([1.0, 2.0]), 10, *extra], "TypeError", "",
                       f"{name}(float labels, num_classes=10)")
        _expect_raises(student, name, [torch.tensor([1.0, 12.0]), 10, *extra], "TypeError", "",
                       f"{name}(float labels, one of them out of range, num_classes=10: the dtype is checked first)")
        _expect_raises(student, name, [torch.tensor([True, False]), 10, *extra], "TypeError", "",
                       f"{name}(bool labels, num_classes=10)")


@check(points=1, kind="correctness", hint="An empty target gives an empty [0, C] float32 tensor, not an error.")
def test_empty_input_gives_an_empty_result(student: Student) -> None:
    """one_hot of no labels is an empty [0, C] tensor"""
    empty = torch.zeros(0, dtype=torch.int64)
    out = student.call("one_hot", empty, 6, what="one_hot(empty target, 6)").result
    expect.tensor(out, reference.one_hot(empty, 6), what="one_hot(empty target, 6)")
    out = student.call("one_hot_along", torch.zeros(0, 24, dtype=torch.int64), 4, 1, what="one_hot_along(empty [0, 24], 4, 1)").result
    expect.tensor(out, torch.zeros(0, 4, 24), what="one_hot_along(empty [0, 24], 4, dim=1)")


@check(points=1, kind="property", hint="Use target.unsqueeze(1), which returns a new view; unsqueeze_ changes the caller's tensor.")
def test_input_is_not_modified(student: Student, rng: torch.Generator) -> None:
    """one_hot and one_hot_along leave their input as it was"""
    target = torch.randint(0, 5, (12,), generator=rng)
    for name, args in (("one_hot", [target, 5]), ("one_hot_along", [target.reshape(3, 4), 5, 1])):
        call = student.call_that_runs(name, *args, return_args=True, what=f"{name}()")
        if call is not None:
            expect.unchanged(args, call.args_after, names=["target"], what=f"{name}()", read=student.reading(name))
    student.expect_one_ran()


@check(points=1, kind="property", hint="The exercise is to build the encoding with scatter_; F.one_hot does it for you.")
def test_does_not_call_functional_one_hot(student: Student, rng: torch.Generator) -> None:
    """one_hot and one_hot_along do not call torch.nn.functional.one_hot"""
    target = torch.randint(0, 5, (12,), generator=rng)
    for name, args in (("one_hot", [target, 5]), ("one_hot_along", [target.reshape(3, 4), 5, 1])):
        call = student.call_that_runs(name, *args, watch=tuple(FORBIDDEN), what=f"{name}()")
        expect.not_called(call.calls if call else [], FORBIDDEN, what=f"{name}()", read=student.reading(name))
    student.expect_one_ran()


@check(points=2, kind="performance", after=("one_hot_matches_reference", "does_not_call_functional_one_hot"),
       hint="One vectorised scatter_ call encodes a million labels in milliseconds; a Python loop over them takes seconds.")
def test_one_hot_throughput(student: Student, reference_solution: Student, exercise: Exercise, rng: torch.Generator) -> None:
    """one_hot keeps at least half the reference's throughput on a million labels"""
    throughput.judge(student, reference_solution, "encoding.one_hot", reference, rng,
                     floor=exercise.threshold("one_hot_speed_floor"), rounds=int(exercise.threshold("speed_rounds")),
                     advice="replace Python loops by one scatter_ call")


@check(points=2, kind="correctness", hidden=True,
       hint="Size the encoding from num_classes, whatever it is: zeros(N, num_classes), then one scatter_ along the class axis.")
def test_one_hot_on_fresh_labels_and_classes(student: Student, rng: torch.Generator) -> None:
    """one_hot and one_hot_along give the reference's encoding for a number of classes and labels never seen before"""
    num_classes = int(torch.randint(11, 40, (), generator=rng))
    target = torch.randint(0, num_classes, (int(torch.randint(20, 200, (), generator=rng)),), generator=rng)
    target[0] = num_classes - 1
    what = f"one_hot(target of {len(target)} labels, {num_classes})"
    out = student.call("one_hot", target, num_classes, what=what).result
    expect.tensor(out, reference.one_hot(target, num_classes), what=what)
    indices = torch.randint(0, num_classes, (int(torch.randint(2, 6, (), generator=rng)), 3, 5), generator=rng)
    dim = int(torch.randint(-4, 4, (), generator=rng))
    what = f"one_hot_along(indices of shape {list(indices.shape)}, {num_classes}, dim={dim})"
    out = student.call("one_hot_along", indices, num_classes, dim, what=what).result
    expect.tensor(out, reference.one_hot_along(indices, num_classes, dim), what=what)
