"""Checks of ``evaluation``: ``validate()`` (notes 002, 'accuracy' and 'GPU')."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
import torch

from grader.judge import expect
from grader.judge.core import Student, check, explaining, fail

NUM_CLASSES = 3
#: name -> (samples, batch size): both last batches are short, so batch-level averages differ.
LOADERS = {"train": (23, 4), "val": (10, 4)}
#: Names a course gives loaders besides the notes' two, for the hidden check on fresh loaders.
EXTRA_NAMES = ("test", "holdout", "dev", "calibration")


def _loader_data(rng: torch.Generator, loaders: dict[str, tuple[int, int]] = LOADERS,
                 num_classes: int = NUM_CLASSES) -> tuple[dict[str, list[Any]], dict[str, dict[str, Any]]]:
    """Inputs whose first columns are the class scores, labels right about 60% of the time."""
    data, facts = {}, {}
    for name, (n, batch) in loaders.items():
        scores = torch.randn(n, num_classes, generator=rng)
        predicted = scores.argmax(1)
        right = torch.rand(n, generator=rng) < 0.6
        right[-1] = False  # the short last batch is wrong, so its weight matters
        labels = torch.where(right, predicted, (predicted + 1) % num_classes)
        x = torch.cat([scores, torch.randn(n, 2, generator=rng)], dim=1)
        data[name] = [x, labels, batch]
        batches = [int(right[i : i + batch].sum()) / len(right[i : i + batch]) for i in range(0, n, batch)]
        facts[name] = {"accuracy": int(right.sum()) / n, "batch_mean": sum(batches) / len(batches),
                       "correct": int(right.sum()), "batches": len(batches), "samples": n}
    return data, facts


def _validate(student: Student, rng: torch.Generator, *, start_training: bool = True, catch: bool = False,
              data: dict[str, list[Any]] | None = None, device: str | None = None,
              fail_at_call: int | None = None, plain: bool = False) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    made, facts = _loader_data(rng)
    what = "validate(model, loaders)" if not plain else "validate(model, loaders that are lists of batches)"
    reply = student.probe("evaluation.validate", what=what, data=data or made,
                          num_classes=NUM_CLASSES, start_training=start_training, seed=7, catch=catch, device=device,
                          fail_at_call=fail_at_call, plain=plain)
    return reply, facts


def _accuracies(reply: dict[str, Any], names: Iterable[str] = LOADERS) -> dict[str, Any]:
    result, names = reply["result"], sorted(names)
    if not isinstance(result, dict):
        raise fail(f"validate() returned {expect.describe(result)}; expected a dict of accuracies, "
                   f"one per loader name ({', '.join(names)})")
    if sorted(result) != names:
        raise fail(f"validate() returned the keys {sorted(result)}; expected one per loader: {names}")
    return result


def _expect_accuracy(name: str, accuracy: Any, fact: dict[str, Any]) -> None:
    """Fail unless ``accuracy`` is the loader's exact accuracy over samples, as a Python float, naming the usual miscounts."""
    if not isinstance(accuracy, float):
        raise fail(f"validate() gives '{name}' an accuracy that is {expect.describe(accuracy)}; the stub promises a "
                   "Python float in [0, 1]: return int(correct) / total, or .item() of a tensor")
    got = accuracy
    if abs(got - fact["accuracy"]) < 1e-9:
        return
    mistakes = {
        "a percentage instead of a fraction in [0, 1]": 100 * fact["accuracy"],
        "the mean of per-batch accuracies (the short last batch then weighs as much as a full one)": fact["batch_mean"],
        "correct predictions divided by the number of batches instead of samples": fact["correct"] / fact["batches"],
    }
    named = next((f". That is {m}" for m, v in mistakes.items() if abs(got - v) < 1e-6), "")
    raise fail(f"validate() gives '{name}' an accuracy of {got:.6g}; expected {fact['accuracy']:.6g} "
               f"({fact['correct']} right of {fact['samples']}){named}", got=got, expected=fact["accuracy"])


@check(points=3, kind="correctness",
       hint="accuracy = correct / total, both counted over samples across all batches (total += labels.shape[0]); "
            "predictions are outputs.argmax(dim=1); return a fraction in [0, 1].")
def test_accuracy_is_counted_over_samples(student: Student, rng: torch.Generator) -> None:
    """validate() gives each loader's exact accuracy over its samples, uneven last batches and lists of batches too"""
    for plain in (False, True):
        with explaining("must match the size", "predictions taken with argmax over dim 0 give one per class instead "
                        "of one per sample: use outputs.argmax(dim=1)"), \
                explaining("dataset", "a loader is anything that yields (imgs, labels) batches, a list of them too: "
                           "count the samples as they come, total += labels.shape[0]"):
            reply, facts = _validate(student, rng, start_training=False, plain=plain)
        for name, accuracy in _accuracies(reply).items():
            _expect_accuracy(name, accuracy, facts[name])


@check(points=2, kind="property",
       hint="Call model.eval() before evaluating: dropout and batch norm behave differently in training mode.")
def test_model_is_in_eval_mode_while_evaluating(student: Student, rng: torch.Generator) -> None:
    """The model is in eval mode during every forward call, and its batch-norm statistics stay as they were"""
    reply, _ = _validate(student, rng, start_training=True)
    if any(r["training"] for r in reply["records"]):
        raise fail("the model was in training mode while validate() ran it: call model.eval() first, "
                   "or dropout drops scores at random and batch norm updates its statistics")
    after = reply.get("running_stats_after") or {}
    initial = {"running_mean": torch.zeros(NUM_CLASSES), "running_var": torch.ones(NUM_CLASSES)}  # a fresh BatchNorm1d's
    if not all(isinstance(after.get(k), expect.RemoteTensor) and torch.equal(after[k].data.cpu(), v)
               for k, v in initial.items()):
        raise fail("validate() changed the model's batch-norm running statistics: evaluate in eval mode")


@check(points=2, kind="property", hint="Wrap the evaluation in `with torch.no_grad():`: no graph is needed to count predictions.")
def test_no_autograd_graph_is_built(student: Student, rng: torch.Generator) -> None:
    """validate() runs the model with autograd off (torch.no_grad)"""
    reply, _ = _validate(student, rng, start_training=False)
    if not reply["records"]:
        raise fail("validate() never called the model")
    expect.grad_turned_off(student.reading("validate"), what="validate()",
                           advice="evaluate inside `with torch.no_grad():`, since no graph is needed to count predictions")
    if any(r["grad_enabled"] for r in reply["records"]):
        raise fail("observed while running: validate() ran the model with autograd on, building a graph it never uses: "
                   "evaluate inside `with torch.no_grad():`")


@check(points=1, kind="property",
       hint="Remember model.training before calling model.eval(); restore it with model.train(was_training) in a finally: block.")
def test_model_mode_is_restored(student: Student, rng: torch.Generator) -> None:
    """validate() leaves the model in the mode it found it in, even when the model raises"""
    for start in (True, False):
        reply, _ = _validate(student, rng, start_training=start)
        if reply["training_after"] != start:
            mode = "training" if start else "eval"
            raise fail(f"the model was in {mode} mode before validate() and in "
                       f"{'training' if reply['training_after'] else 'eval'} mode after it: restore its mode")
    reply, _ = _validate(student, rng, start_training=True, catch=True, fail_at_call=2)
    if not reply["training_after"]:
        raise fail("when the model raised during validate(), it was left in eval mode: restore the mode in a "
                   "`finally:` block so it is restored whatever happens")


@check(points=1, kind="property", hint="A loader that yields no samples has no accuracy: raise ValueError naming it.")
def test_empty_loader_raises_value_error(student: Student, rng: torch.Generator) -> None:
    """validate() raises ValueError naming a loader that yields no samples"""
    data, _ = _loader_data(rng)
    data["holdout"] = [torch.zeros(0, NUM_CLASSES + 2), torch.zeros(0, dtype=torch.int64), 4]
    reply, _ = _validate(student, rng, catch=True, data=data)
    expect.raised(reply, "ValueError", what="validate() with an empty loader 'holdout'", mentions="holdout",
                  should="name the loader 'holdout'", why=" (an accuracy of 0/0 does not exist)")


@check(points=1, kind="property", hint="Move each batch to the device: imgs = imgs.to(device=device), labels likewise.")
def test_batches_are_moved_to_the_device(student: Student, rng: torch.Generator) -> None:
    """On a GPU, validate(model, loaders, device='cuda') runs the model on CUDA tensors"""
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here: run on a machine with a GPU to check device handling")
    reply, _ = _validate(student, rng, start_training=False, device="cuda")
    devices = {r["device"] for r in reply["records"]}
    if any(not d.startswith("cuda") for d in devices):
        raise fail(f"the model received inputs on {sorted(devices)}: move every batch to `device`")


@check(points=2, kind="correctness", hidden=True,
       hint="Return one accuracy per entry of `loaders`, whatever their names and number: loop over loaders.items() "
            "rather than naming 'train' and 'val'; count samples, not batches.")
def test_accuracy_on_fresh_loaders(student: Student, rng: torch.Generator) -> None:
    """validate() gives the exact accuracy of every loader it is given, for names, sizes, batch sizes and classes never seen before"""
    extra = [EXTRA_NAMES[i] for i in torch.randperm(len(EXTRA_NAMES), generator=rng).tolist()]
    names = ["train", "val", *extra[: int(torch.randint(1, len(extra) + 1, (), generator=rng))]]
    names = [names[i] for i in torch.randperm(len(names), generator=rng).tolist()]
    loaders = {name: (int(torch.randint(5, 60, (), generator=rng)), int(torch.randint(1, 10, (), generator=rng)))
               for name in names}
    num_classes = int(torch.randint(2, 10, (), generator=rng))
    data, facts = _loader_data(rng, loaders, num_classes)
    reply = student.probe("evaluation.validate", what="validate(model, loaders)", data=data, num_classes=num_classes,
                          start_training=False, seed=int(torch.randint(0, 2**31, (), generator=rng)))
    for name, accuracy in _accuracies(reply, names).items():
        _expect_accuracy(name, accuracy, facts[name])
