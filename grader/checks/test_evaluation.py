"""Checks of ``evaluation``: ``validate()`` (notes 002, 'accuracy' and 'GPU')."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from grader import expect
from grader.checking import Student, check, explaining, fail

NUM_CLASSES = 3
#: name -> (samples, batch size): both last batches are short, so batch-level averages differ.
LOADERS = {"train": (23, 4), "val": (10, 4)}


def _loader_data(rng: torch.Generator) -> tuple[dict[str, list[Any]], dict[str, dict[str, Any]]]:
    """Inputs whose first columns are the class scores, labels right about 60% of the time."""
    data, facts = {}, {}
    for name, (n, batch) in LOADERS.items():
        scores = torch.randn(n, NUM_CLASSES, generator=rng)
        predicted = scores.argmax(1)
        right = torch.rand(n, generator=rng) < 0.6
        right[-1] = False  # the short last batch is wrong, so its weight matters
        labels = torch.where(right, predicted, (predicted + 1) % NUM_CLASSES)
        x = torch.cat([scores, torch.randn(n, 2, generator=rng)], dim=1)
        data[name] = [x, labels, batch]
        batches = [int(right[i : i + batch].sum()) / len(right[i : i + batch]) for i in range(0, n, batch)]
        facts[name] = {"accuracy": int(right.sum()) / n, "batch_mean": sum(batches) / len(batches),
                       "correct": int(right.sum()), "batches": len(batches)}
    return data, facts


def _validate(student: Student, rng: torch.Generator, *, start_training: bool = True, catch: bool = False,
              data: dict[str, list[Any]] | None = None, device: str | None = None,
              fail_at_call: int | None = None) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    made, facts = _loader_data(rng)
    reply = student.probe("evaluation.validate", what="validate(model, loaders)", data=data or made,
                          num_classes=NUM_CLASSES, start_training=start_training, seed=7, catch=catch, device=device,
                          fail_at_call=fail_at_call)
    return reply, facts


def _accuracies(reply: dict[str, Any]) -> dict[str, Any]:
    result = reply["result"]
    if not isinstance(result, dict):
        raise fail(f"validate() returned {expect.describe(result)}; expected a dict of accuracies, "
                   f"one per loader name ({', '.join(LOADERS)})")
    if sorted(result) != sorted(LOADERS):
        raise fail(f"validate() returned the keys {sorted(result)}; expected one per loader: {sorted(LOADERS)}")
    return result


@check(points=3, kind="correctness",
       hint="accuracy = correct / total, both counted over samples across all batches (total += labels.shape[0]); "
            "predictions are outputs.argmax(dim=1); return a fraction in [0, 1].")
def test_accuracy_is_counted_over_samples(student: Student, rng: torch.Generator) -> None:
    """validate() gives each loader's exact accuracy over its samples, with uneven last batches"""
    with explaining("must match the size", "predictions taken with argmax over dim 0 give one per class instead of "
                    "one per sample: use outputs.argmax(dim=1)"):
        reply, facts = _validate(student, rng, start_training=False)
    for name, accuracy in _accuracies(reply).items():
        got = expect.as_float(accuracy, what=f"the accuracy of '{name}'")
        fact = facts[name]
        if abs(got - fact["accuracy"]) < 1e-9:
            continue
        mistakes = {
            "a percentage instead of a fraction in [0, 1]": 100 * fact["accuracy"],
            "the mean of per-batch accuracies (the short last batch then weighs as much as a full one)": fact["batch_mean"],
            "correct predictions divided by the number of batches instead of samples": fact["correct"] / fact["batches"],
        }
        named = next((f". That is {m}" for m, v in mistakes.items() if abs(got - v) < 1e-6), "")
        raise fail(f"validate() gives '{name}' an accuracy of {got:.6g}; expected {fact['accuracy']:.6g} "
                   f"({fact['correct']} right of {LOADERS[name][0]}){named}", got=got, expected=fact["accuracy"])


@check(points=2, kind="property",
       hint="Call model.eval() before evaluating: dropout and batch norm behave differently in training mode.")
def test_model_is_in_eval_mode_while_evaluating(student: Student, rng: torch.Generator) -> None:
    """The model is in eval mode during every forward call, and its batch-norm statistics stay as they were"""
    reply, _ = _validate(student, rng, start_training=True)
    if any(r["training"] for r in reply["records"]):
        raise fail("the model was in training mode while validate() ran it: call model.eval() first, "
                   "or dropout drops scores at random and batch norm updates its statistics")
    if reply["running_stats_changed"]:
        raise fail("validate() changed the model's batch-norm running statistics: evaluate in eval mode")


@check(points=2, kind="property", hint="Wrap the evaluation in `with torch.no_grad():`: no graph is needed to count predictions.")
def test_no_autograd_graph_is_built(student: Student, rng: torch.Generator) -> None:
    """validate() runs the model with autograd off (torch.no_grad)"""
    reply, _ = _validate(student, rng, start_training=False)
    if not reply["records"]:
        raise fail("validate() never called the model")
    if any(r["grad_enabled"] for r in reply["records"]):
        raise fail("validate() ran the model with autograd on, building a graph it never uses: "
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
