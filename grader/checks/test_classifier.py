"""Checks of ``classifier``: the notes' fully connected CIFAR-2 model and its training epoch (notes 002)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.catalog import Exercise
from grader.judge import convergence, expect, modules
from grader.judge.core import Student, check, explaining, fail
from grader.judge.reference import reference_of

reference = reference_of("classifier")


#: make_fc_classifier(3072, 512, 2) in the notes: sum(numel_list) = 1574402.
NOTES_PARAMETERS = 1_574_402
SMALL = {"n_in": 48, "n_hidden": 16, "n_out": 3}
FLATTEN = "flatten each batch before the model, whose first layer is a Linear: imgs.view(imgs.shape[0], -1)"
HARD_CODED = "do not hard-code 3072: imgs.view(imgs.shape[0], -1) works for images of any size"
#: The order of the three calls per batch, as the notes write them, and as students get them wrong.
RIGHT_ORDER = ("zero_grad", "backward", "step")
WRONG_ORDERS = {
    "forgetting optimizer.zero_grad(), so every step uses the sum of all the gradients so far": ("backward", "step"),
    "parameters that never change: step() never sees a gradient (it is not called, or it comes before backward(), "
    "or zero_grad() comes between backward() and step() and erases the gradients)": ("backward", "zero_grad", "step"),
}


def _outputs_mistakes(state: dict[str, torch.Tensor], x: torch.Tensor) -> dict[str, torch.Tensor]:
    hidden = torch.tanh(F.linear(x, state["0.weight"], state["0.bias"]))
    logits = F.linear(hidden, state["2.weight"], state["2.bias"])
    relu_logits = F.linear(torch.relu(F.linear(x, state["0.weight"], state["0.bias"])), state["2.weight"], state["2.bias"])
    return {
        "nn.Softmax instead of nn.LogSoftmax: NLLLoss needs log-probabilities, not probabilities": logits.softmax(1),
        "no LogSoftmax at the end (raw scores): NLLLoss needs log-probabilities": logits,
        "ReLU instead of the notes' Tanh": relu_logits.log_softmax(1),
        "LogSoftmax(dim=0), which normalises over the batch instead of the classes (use dim=1)": logits.log_softmax(0),
    }


@check(points=1, kind="property",
       hint="nn.Sequential(nn.Linear(n_in, n_hidden), nn.Tanh(), nn.Linear(n_hidden, n_out), nn.LogSoftmax(dim=1)).")
def test_make_fc_classifier_has_the_notes_layers(student: Student) -> None:
    """make_fc_classifier has the notes' two Linear layers (0 and 2), and 1,574,402 parameters for (3072, 512, 2)"""
    layout = student.probe("modules.layout", what="make_fc_classifier(48, 16, 3)", cls="make_fc_classifier", kwargs=SMALL)
    want = reference.make_fc_classifier(**SMALL).state_dict()
    found = layout["shapes"]
    mismatch = {"missing": sorted(set(want) - set(found)), "unexpected": sorted(set(found) - set(want)),
                "wrong_shapes": sorted(k for k in set(want) & set(found) if found[k] != list(want[k].shape))}
    if any(mismatch.values()):
        raise fail(modules.describe_mismatch("make_fc_classifier(48, 16, 3)", mismatch, want, found,
                                             {"0.weight": "the first module must be the Linear(n_in, n_hidden)",
                                              "2.weight": "the third module must be the Linear(n_hidden, n_out)"})
                   + ". Build nn.Sequential(Linear, Tanh, Linear, LogSoftmax) in this order", mismatch=mismatch)
    notes = student.probe("modules.layout", what="make_fc_classifier(3072, 512, 2)", cls="make_fc_classifier", kwargs={"n_in": 3072, "n_hidden": 512, "n_out": 2})
    if notes["parameters"] != NOTES_PARAMETERS:
        raise fail(f"make_fc_classifier(3072, 512, 2) has {notes['parameters']:,} parameters; the notes count "
                   f"{NOTES_PARAMETERS:,} (1572864 + 512 + 1024 + 2)")


@check(points=3, kind="correctness",
       hint="End the model with nn.LogSoftmax(dim=1): NLLLoss takes log-probabilities, one row per sample, one column per class.")
def test_make_fc_classifier_outputs_log_probabilities(student: Student, rng: torch.Generator) -> None:
    """make_fc_classifier's outputs are the reference's log-probabilities for batches of 1, 7 and 64"""
    state = modules.random_state(reference.make_fc_classifier(**SMALL), rng)
    inputs = [torch.randn(n, SMALL["n_in"], generator=rng) for n in (1, 7, 64)]
    reply = modules.run_module(student, "make_fc_classifier", SMALL, state, inputs)
    model = reference.make_fc_classifier(**SMALL)
    model.load_state_dict(state)
    with torch.no_grad():
        expected = [model(x) for x in inputs]
    modules.expect_outputs(reply, expected, what="make_fc_classifier(48, 16, 3)(x)",
                           mistakes=[_outputs_mistakes(state, x) for x in inputs])


def _loader_data(rng: torch.Generator, n: int, image_shape: Sequence[int], n_out: int) -> tuple[torch.Tensor, torch.Tensor]:
    images = torch.randn(n, *image_shape, generator=rng)
    return images, torch.randint(0, n_out, (n,), generator=rng)


def _simulate(state: dict[str, torch.Tensor], sizes: Sequence[int], images: torch.Tensor, labels: torch.Tensor,
              batch_size: int, optimizer: str, lr: float, order: Sequence[str]) -> tuple[dict[str, torch.Tensor], list[float], list[int]]:
    """One epoch done with the calls per batch in ``order``: the state after, each batch's loss and size."""
    model = reference.make_fc_classifier(*sizes)
    model.load_state_dict(state)
    opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[optimizer](model.parameters(), lr=lr)
    losses, counts = [], []
    for imgs, batch_labels in DataLoader(TensorDataset(images, labels), batch_size=batch_size):
        loss = nn.NLLLoss()(model(imgs.view(imgs.shape[0], -1)), batch_labels)
        for action in order:
            {"zero_grad": opt.zero_grad, "backward": loss.backward, "step": opt.step}[action]()
        losses.append(loss.item())
        counts.append(len(batch_labels))
    return {k: v.clone() for k, v in model.state_dict().items()}, losses, counts


def _run_epoch(student: Student, rng: torch.Generator, *, n: int, batch_size: int, image_shape: Sequence[int],
               n_hidden: int, n_out: int, optimizer: str, lr: float, start_training: bool = True) -> dict[str, Any]:
    """The student's train_epoch on a grader-built model; returns the reply with what is expected of it."""
    sizes = [int(torch.tensor(image_shape).prod()), n_hidden, n_out]
    state = modules.random_state(reference.make_fc_classifier(*sizes), rng)
    images, labels = _loader_data(rng, n, image_shape, n_out)
    what = f"train_epoch(model, a loader of {n} images {list(image_shape)} in batches of {batch_size}, {optimizer}, NLLLoss)"
    with explaining("mat1 and mat2", FLATTEN), explaining("3072", HARD_CODED):
        reply = student.probe("classifier.train_epoch", what=what, sizes=sizes, state=state, images=images,
                              labels=labels, batch_size=batch_size, optimizer=optimizer, lr=lr,
                              start_training=start_training)
    args = (state, sizes, images, labels, batch_size, optimizer, lr)
    expected_state, losses, counts = _simulate(*args, RIGHT_ORDER)
    reply.update(what=what, expected_state=expected_state, losses=losses, counts=counts,
                 wrong_states={m: _simulate(*args, order)[0] for m, order in WRONG_ORDERS.items()})
    return reply


def _expect_state(reply: dict[str, Any]) -> None:
    after = reply["state_after"]
    for key, expected in reply["expected_state"].items():
        mistakes = {m: wrong[key] for m, wrong in reply["wrong_states"].items()}
        expect.tensor(after[key], expected, what=f"the parameter '{key}' after {reply['what']}", mistakes=mistakes)


def _expect_mean_loss(reply: dict[str, Any]) -> None:
    losses, counts = reply["losses"], reply["counts"]
    result, what = reply["result"], f"the value returned by {reply['what']}"
    if not isinstance(result, float):
        raise fail(f"{what} is {expect.describe(result)}; expected a Python float: add loss.item() (a number) rather "
                   "than the loss tensor, which keeps each batch's autograd graph alive")
    expected = sum(loss * count for loss, count in zip(losses, counts)) / sum(counts)
    if abs(result - expected) <= 1e-5 * max(1.0, abs(expected)):
        return
    mistakes = {
        "the last batch's loss (what the notes print), not the epoch's mean": losses[-1],
        "the mean of the batches' mean losses, which gives the short last batch the weight of a full one":
            sum(losses) / len(losses),
        "the sum of the batches' losses, not divided by anything": sum(losses),
        "the sum of loss × batch size, not divided by the number of samples": expected * sum(counts),
    }
    named = next((f". That is {m}" for m, v in mistakes.items() if abs(result - v) <= 1e-5 * max(1.0, abs(v))), "")
    raise fail(f"{what} is {result:.6g}; expected the mean loss per sample {expected:.6g}{named}",
               got=result, expected=expected)


@check(points=3, kind="correctness",
       hint="Per batch: outputs = model(imgs.view(imgs.shape[0], -1)); loss = loss_fn(outputs, labels); "
            "optimizer.zero_grad(); loss.backward(); optimizer.step().")
def test_train_epoch_steps_once_per_batch(student: Student, rng: torch.Generator) -> None:
    """After train_epoch, the parameters are those of one SGD step per batch, gradients zeroed each time"""
    reply = _run_epoch(student, rng, n=20, batch_size=8, image_shape=(3, 4, 4), n_hidden=16, n_out=2,
                       optimizer="sgd", lr=0.1)
    _expect_state(reply)


@check(points=2, kind="correctness",
       hint="total += loss.item() * labels.shape[0] after each batch; return total / number of samples.")
def test_train_epoch_returns_the_mean_loss_per_sample(student: Student, rng: torch.Generator) -> None:
    """train_epoch returns the epoch's mean loss per sample as a float, with an uneven last batch"""
    reply = _run_epoch(student, rng, n=21, batch_size=8, image_shape=(3, 4, 4), n_hidden=16, n_out=2,
                       optimizer="sgd", lr=0.1)
    _expect_mean_loss(reply)


@check(points=1, kind="property", hint="Call model.train() before the loop: the model may arrive in eval mode.")
def test_train_epoch_trains_in_training_mode(student: Student, rng: torch.Generator) -> None:
    """train_epoch runs the model in training mode, even when it arrives in eval mode"""
    reply = _run_epoch(student, rng, n=16, batch_size=8, image_shape=(3, 4, 4), n_hidden=8, n_out=2,
                       optimizer="sgd", lr=0.1, start_training=False)
    if not reply["records"]:
        raise fail("train_epoch never called the model")
    if not all(r["training"] for r in reply["records"]):
        raise fail("train_epoch ran the model in eval mode: call model.train() first, or dropout and batch norm "
                   "layers would not train as they should")


@check(points=1, kind="property", hint="If the loader yielded no samples, raise ValueError instead of dividing by zero.")
def test_train_epoch_with_an_empty_loader_raises_value_error(student: Student) -> None:
    """train_epoch raises ValueError when the loader yields no samples"""
    sizes = [48, 8, 2]
    state = dict(reference.make_fc_classifier(*sizes).state_dict())
    what = "train_epoch(model, an empty loader, ...)"
    reply = student.probe("classifier.train_epoch", what=what, sizes=sizes, state=state,
                          images=torch.zeros(0, 3, 4, 4), labels=torch.zeros(0, dtype=torch.int64), batch_size=8,
                          optimizer="sgd", lr=0.1, catch=True)
    expect.raised(reply, "ValueError", what=what, why=" (a mean over no samples does not exist)")


@check(points=2, kind="correctness", hidden=True,
       hint="zero_grad, backward, step, in this order, once per batch, whatever the optimizer and the image size.")
def test_train_epoch_with_adam_on_random_sizes(student: Student, rng: torch.Generator) -> None:
    """train_epoch with Adam, images of a random size, and random batch sizes"""
    channels, side, batch_size = (int(v) for v in torch.randint(1, 6, (3,), generator=rng))
    reply = _run_epoch(student, rng, n=int(torch.randint(10, 30, (1,), generator=rng)), batch_size=batch_size + 2,
                       image_shape=(channels, side, side), n_hidden=12, n_out=3, optimizer="adam", lr=0.01)
    _expect_state(reply)
    _expect_mean_loss(reply)


@check(points=3, kind="convergence",
       hint="If the model and train_epoch pass their checks, training reaches the accuracy; look at the losses per epoch.")
def test_classifier_learns_the_two_class_images(student: Student, exercise: Exercise, rng: torch.Generator) -> None:
    """Your model trained with your train_epoch classifies held-out offline images

    The notes' setting (SGD with lr 1e-2, NLLLoss, shuffled batches of 64), on the offline
    stand-in for CIFAR-2. The grader loads the trained state_dict into its own model and
    counts the accuracy on images from a seed the worker never sees.
    """
    seed, data_seed, val_seed = torch.randint(0, 2**31, (3,), generator=rng).tolist()
    n_hidden = int(exercise.threshold("n_hidden"))
    reply = student.probe("classifier.train", what=f"training make_fc_classifier(3072, {n_hidden}, 2)",
                          timeout_s=max(student.timeout_s, 120.0), n_hidden=n_hidden, seed=seed, data_seed=data_seed,
                          images=int(exercise.threshold("train_images")), epochs=int(exercise.threshold("epochs")),
                          lr=1e-2, batch_size=64)
    curve = [expect.as_float(v, what="the loss train_epoch returned") for v in reply["curve"]]
    model = reference.make_fc_classifier(3072, n_hidden, 2)
    state = reply["state"]
    want = model.state_dict()
    if sorted(state) != sorted(want) or any(tuple(state[k].shape) != tuple(want[k].shape) for k in want):
        raise fail(f"the trained model's state_dict has the keys {sorted(state)}; expected {sorted(want)} with the "
                   "notes' shapes: make_fc_classifier must return the notes' nn.Sequential")
    model.load_state_dict({k: v.data for k, v in state.items()})
    images, labels = convergence.held_out_images(exercise, val_seed)
    convergence.expect_accuracy(student, exercise, convergence.accuracy(model, images.view(len(images), -1), labels),
                                curve, curve_label="training loss per epoch (as train_epoch returned it)",
                                trained="the model")
