"""Checks of ``train_step``: the notes' custom training and evaluation steps in PyTorch (notes 003).

The worker runs the student's steps on the notes' model (batch norm, dropout, a frozen
weight) with metrics and a loss tracker that record what they are given; the grader replays
the same steps, from the same seeds, with the reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from grader.catalog import Exercise
from grader.judge import convergence, expect, modules
from grader.judge.core import Student, Verdict, check, explaining, fail
from grader.judge.reference import reference_of
from grader.shared.exercises.train_step import FROZEN, StepNet, freeze

reference = reference_of("train_step")


LR, MOMENTUM = 0.05, 0.9
#: The recording metrics' names and the offsets their result() adds to their update count.
METRICS = {"accuracy": 0.25, "auc": 0.5}
LOSS_ORDER = ("PyTorch losses take (predictions, targets), the reverse of Keras's loss_fn(targets, predictions): "
              "loss = loss_fn(predictions, targets)")
TRAINABLE = ("torch.autograd.grad(loss, model.parameters()) fails on a frozen parameter: take the gradients of the "
             "trainable ones only, [p for p in model.parameters() if p.requires_grad] (Keras's trainable_weights), "
             "or simply loss.backward() and optimizer.step()")


class _Mean:
    """The trusted side's running mean of the losses, as the worker's recording tracker computes it."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def update_state(self, value: torch.Tensor) -> None:
        self.values.append(float(value))

    def result(self) -> float:
        return sum(self.values) / len(self.values)


def _setup(rng: torch.Generator, sizes: list[int]) -> tuple[dict[str, torch.Tensor], list[list[torch.Tensor]], list[int]]:
    """A random state for the notes' model, batches like the notes' (28×28 inputs, 10 classes), and seeds."""
    state = modules.random_state(freeze(StepNet()), rng)
    batches = [[torch.rand(n, 28, 28, generator=rng), torch.randint(0, 10, (n,), generator=rng)] for n in sizes]
    seeds = torch.randint(0, 2**31, (len(sizes),), generator=rng).tolist()
    return state, batches, seeds


def _run(student: Student, state: dict[str, torch.Tensor], batches: list[list[torch.Tensor]], modes: list[str],
         seeds: list[int], *, tracker: bool = False, start_training: bool = True) -> dict[str, Any]:
    steps = " then ".join(f"{m}_step" for m in modes)
    with explaining("does not require grad", TRAINABLE), explaining("not implemented for 'Long'", LOSS_ORDER):
        return student.probe("train_step.run", what=steps, state=state, batches=batches, modes=modes, seeds=seeds,
                             lr=LR, momentum=MOMENTUM, tracker=tracker, start_training=start_training)


def _replay(state: dict[str, torch.Tensor], batches: list[list[torch.Tensor]], modes: list[str], seeds: list[int], *,
            tracker: bool = False, start_training: bool = True,
            zero_grad: bool = True) -> tuple[list[dict[str, float]], dict[str, torch.Tensor]]:
    """The reference's logs (loss only) and final state for the same steps from the same seeds."""
    model = freeze(StepNet())
    model.load_state_dict(state)
    model.train(start_training)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    if not zero_grad:
        optimizer.zero_grad = lambda set_to_none=True: None  # type: ignore[method-assign]
    loss_tracker = _Mean() if tracker else None
    logs = []
    for (x, y), mode, seed in zip(batches, modes, seeds):
        torch.manual_seed(seed)
        if mode == "train":
            logs.append(reference.train_step(model, optimizer, F.cross_entropy, x, y, [], loss_tracker))
        else:
            logs.append(reference.test_step(model, F.cross_entropy, x, y, [], loss_tracker))
    return logs, model.state_dict()


def _log_values(logs: Any, key: str) -> torch.Tensor:
    values = []
    for index, log in enumerate(logs):
        if not isinstance(log, dict):
            raise fail(f"step {index + 1} returned {expect.describe(log)}; expected a dict of logs")
        if key not in log:
            raise fail(f"the logs of step {index + 1} have the keys {sorted(log)}; expected a '{key}' entry")
        values.append(expect.as_float(log[key], what=f"logs['{key}'] of step {index + 1}"))
    return torch.tensor(values)  # float32, as the losses are computed


def _expect_state(reply: dict[str, Any], expected: dict[str, torch.Tensor], what: str,
                  mistakes: Callable[[], dict[str, dict[str, torch.Tensor]]] | None = None) -> None:
    """The model's state after the steps equals ``expected``; ``mistakes`` (computed only on a mismatch) are named."""
    for name, value in expected.items():
        label = f"the model's '{name}' {what}"
        try:
            expect.tensor(reply["state"].get(name), value, what=label)
        except Verdict:
            if mistakes is not None:
                expect.tensor(reply["state"].get(name), value, what=label,
                              mistakes={m: candidate[name] for m, candidate in mistakes().items()})
            raise


@check(points=3, kind="correctness",
       hint="model.train(); predictions = model(inputs); loss = loss_fn(predictions, targets); optimizer.zero_grad(); "
            "loss.backward(); optimizer.step().")
def test_train_steps_match_the_reference(student: Student, rng: torch.Generator) -> None:
    """Three train_step calls move the weights and batch-norm statistics as the reference does, and log each loss"""
    state, batches, seeds = _setup(rng, [16, 16, 9])
    modes = ["train"] * 3
    reply = _run(student, state, batches, modes, seeds)
    logs, final = _replay(state, batches, modes, seeds)
    _expect_state(reply, final, "after three train steps", lambda: {
        "never calling optimizer.zero_grad() (gradients pile up from step to step)":
            _replay(state, batches, modes, seeds, zero_grad=False)[1]})
    expect.tensor(_log_values(reply["logs"], "loss"), _log_values(logs, "loss"),
                  what="logs['loss'] of each step (no tracker: the batch's loss)")


@check(points=2, kind="property",
       hint="Start train_step with model.train(): after an evaluation the model is still in eval mode. Run it once per step.")
def test_train_step_runs_the_model_once_in_training_mode(student: Student, rng: torch.Generator) -> None:
    """train_step runs the model exactly once, in training mode with autograd on, even if it was left in eval mode"""
    state, batches, seeds = _setup(rng, [8, 8])
    reply = _run(student, state, batches, ["train", "train"], seeds, start_training=False)
    for index, forwards in enumerate(reply["forwards"]):
        if len(forwards) != 1:
            raise fail(f"train_step ran the model {len(forwards)} times in step {index + 1}; expected once: reuse "
                       "this forward pass's predictions for the loss AND the metrics (a second pass draws new "
                       "dropout masks and updates batch norm's statistics again)")
        if not forwards[0]["training"]:
            raise fail("train_step ran the model in eval mode (the model came in eval mode, as after an evaluation): "
                       "call model.train() first, the PyTorch form of Keras's model(x, training=True)")
        if not forwards[0]["grad_enabled"]:
            raise fail("train_step ran the model with autograd off: no gradient can be computed under torch.no_grad()")


@check(points=2, kind="property",
       hint="Step only what requires grad: loss.backward() and optimizer.step() skip frozen parameters; never "
            "requires_grad_(True) them.")
def test_a_frozen_parameter_stays_frozen(student: Student, rng: torch.Generator) -> None:
    """train_step moves the trainable parameters and leaves a frozen one (requires_grad=False) untouched"""
    state, batches, seeds = _setup(rng, [12, 12])
    reply = _run(student, state, batches, ["train", "train"], seeds)
    frozen = reply["frozen"]
    if frozen["requires_grad"]:
        raise fail(f"after train_step the frozen parameter '{FROZEN}' requires grad again: train_step must not "
                   "change requires_grad (p.requires_grad_(True) on every parameter unfreezes it)")
    got = expect.shaped(reply["state"].get(FROZEN), tuple(state[FROZEN].shape), torch.float32, what=f"'{FROZEN}'").data
    if not torch.equal(got, state[FROZEN]):
        raise fail(f"train_step changed the frozen parameter '{FROZEN}': only parameters with requires_grad=True "
                   "may be stepped (Keras's trainable_weights)")
    if frozen["has_grad"]:
        raise fail(f"train_step gave the frozen parameter '{FROZEN}' a gradient: differentiate only with respect to "
                   "the trainable parameters")
    moved = [k for k, v in state.items() if k.endswith(("weight", "bias")) and k != FROZEN
             and not torch.equal(reply["state"][k].data, v)]
    if not moved:
        raise fail("no trainable parameter moved during two train steps: call optimizer.step() after loss.backward()")


@check(points=2, kind="correctness",
       hint="After the step: for metric in metrics: metric.update_state(targets, predictions); "
            "logs[metric.name] = metric.result().")
def test_train_step_updates_every_metric(student: Student, rng: torch.Generator) -> None:
    """Each metric gets update_state(targets, predictions) once per step, and the logs hold its result() after it"""
    state, batches, seeds = _setup(rng, [10, 10])
    reply = _run(student, state, batches, ["train", "train"], seeds)
    _expect_metric_updates(reply, batches, prefix="")


def _expect_metric_updates(reply: dict[str, Any], batches: list[list[torch.Tensor]], prefix: str) -> None:
    step = "test_step" if prefix else "train_step"
    for name, offset in METRICS.items():
        updates = reply["metrics"][name]
        if len(updates) != len(batches):
            raise fail(f"the metric '{name}' received {len(updates)} update_state calls over {len(batches)} "
                       f"{step} calls; expected exactly one per step")
        for index, (args, (_, targets)) in enumerate(zip(updates, batches)):
            if len(args) != 2:
                raise fail(f"{step} called update_state with {len(args)} arguments; expected (targets, predictions)")
            y_true, y_pred = args
            if isinstance(y_true, expect.RemoteTensor) and y_true.data.is_floating_point() and y_true.data.dim() == 2:
                raise fail(f"{step} called update_state(predictions, targets); the order is Keras's: "
                           "metric.update_state(targets, predictions)")
            expect.tensor(y_true, targets, what=f"the targets given to '{name}'.update_state in step {index + 1}")
            output = reply["forwards"][index][-1]["output"].data if reply["forwards"][index] else None
            if isinstance(y_pred, expect.RemoteTensor) and y_pred.shape == (len(targets),):
                raise fail(f"{step} gave the metrics predicted classes of shape {list(y_pred.shape)}; give them the "
                           "model's scores [N, classes] as they are (the metric takes its own argmax)")
            if output is not None:
                expect.tensor(y_pred, output, what=f"the predictions given to '{name}'.update_state in step {index + 1} "
                              "(expected: this step's model outputs)")
        got = _log_values(reply["logs"], prefix + name)
        expected = torch.arange(1, len(batches) + 1, dtype=torch.float32) + offset
        expect.tensor(got, expected, what=f"logs['{prefix}{name}'] of each step", mistakes={
            "result() read before update_state (the logs must show the metric after this batch)": expected - 1})


@check(points=1, kind="correctness",
       hint="With a tracker: loss_tracker.update_state(loss.item()); logs['loss'] = loss_tracker.result().")
def test_loss_tracker_gets_each_batch_loss(student: Student, rng: torch.Generator) -> None:
    """With a loss tracker, train_step gives it each batch's loss and logs its running mean"""
    state, batches, seeds = _setup(rng, [16, 16, 5])
    modes = ["train"] * 3
    reply = _run(student, state, batches, modes, seeds, tracker=True)
    logs, _ = _replay(state, batches, modes, seeds)
    losses = _log_values(logs, "loss")
    given = reply["tracker"]["values"]
    if len(given) != len(batches):
        raise fail(f"the loss tracker received {len(given)} update_state calls over {len(batches)} steps; expected one "
                   "per step (or did the logs show the batch loss instead of the tracker's result?)")
    expect.tensor(torch.tensor(given), losses, what="the losses given to loss_tracker.update_state")
    running = torch.cumsum(losses, 0) / torch.arange(1, len(losses) + 1)
    expect.tensor(_log_values(reply["logs"], "loss"), running, what="logs['loss'] with a tracker",
                  mistakes={"the batch's own loss (with a tracker, logs['loss'] = loss_tracker.result())": losses})


@check(points=2, kind="property",
       hint="test_step: model.eval(); with torch.no_grad(): predictions and loss; update the metrics; keys 'val_' + name.")
def test_test_step_evaluates_without_changing_the_model(student: Student, rng: torch.Generator) -> None:
    """test_step runs the model once in eval mode without autograd, changes nothing, and logs val_ metrics"""
    state, batches, seeds = _setup(rng, [12, 7])
    modes = ["test", "test"]
    reply = _run(student, state, batches, modes, seeds, start_training=True)
    for index, forwards in enumerate(reply["forwards"]):
        if len(forwards) != 1:
            raise fail(f"test_step ran the model {len(forwards)} times in step {index + 1}; expected once")
        if forwards[0]["training"]:
            raise fail("test_step ran the model in training mode: call model.eval() first (Keras's training=False), "
                       "or dropout drops and batch norm learns from the validation batch")
        expect.grad_turned_off(student.reading("test_step"), what="test_step",
                               advice="evaluate inside `with torch.no_grad():`, since nobody uses a graph of it")
        if forwards[0]["grad_enabled"]:
            raise fail("observed while running: test_step ran the model with autograd on, building a graph nobody "
                       "uses: evaluate inside "
                       "`with torch.no_grad():`")
    _expect_state(reply, {k: v for k, v in state.items()}, "after two test steps (nothing may change)")
    logs, _ = _replay(state, batches, modes, seeds)
    first = reply["logs"][0]
    if isinstance(first, dict) and "val_loss" not in first and "loss" in first:
        raise fail(f"test_step's logs have the keys {sorted(first)}; expected them prefixed with 'val_' "
                   "('val_loss', 'val_' + metric.name), as the notes' test_step")
    expect.tensor(_log_values(reply["logs"], "val_loss"), _log_values(logs, "val_loss"),
                  what="logs['val_loss'] of each test step")
    _expect_metric_updates(reply, batches, prefix="val_")


@check(points=1, kind="property", hint="Logs hold Python floats: loss.item() and float(metric.result()), never tensors.")
def test_logs_hold_python_floats(student: Student, rng: torch.Generator) -> None:
    """Every value in the logs of train_step and test_step is a Python float"""
    state, batches, seeds = _setup(rng, [8, 8])
    reply = _run(student, state, batches, ["train", "test"], seeds)
    for log, step in zip(reply["logs"], ("train_step", "test_step")):
        if not isinstance(log, dict):
            raise fail(f"{step} returned {expect.describe(log)}; expected a dict of logs")
        for key, value in log.items():
            if isinstance(value, expect.RemoteTensor):
                graph = ", still attached to the autograd graph" if value.requires_grad or value.grad_fn else ""
                raise fail(f"{step}'s logs['{key}'] is a tensor{graph}; logs hold Python floats: use .item() "
                           "(a tensor in the logs keeps its graph and its device memory alive)")
            expect.as_float(value, what=f"{step}'s logs['{key}']")


@check(points=2, kind="correctness", hidden=True,
       hint="Each step stands alone: train_step sets training mode, test_step eval mode; the tracker accumulates across both.")
def test_mixed_train_and_test_steps_match_the_reference(student: Student, rng: torch.Generator) -> None:
    """Train and test steps interleaved at random, with a tracker, match the reference"""
    sizes = [int(n) for n in torch.randint(4, 20, (5,), generator=rng)]
    state, batches, seeds = _setup(rng, sizes)
    modes = ["train" if bool(b) else "test" for b in torch.rand(5, generator=rng) < 0.6]
    modes[0] = "train"
    reply = _run(student, state, batches, modes, seeds, tracker=True, start_training=False)
    logs, final = _replay(state, batches, modes, seeds, tracker=True, start_training=False)
    _expect_state(reply, final, f"after the steps {', '.join(modes)}")
    got = [_log_values([log], ("val_" if mode == "test" else "") + "loss")[0] for log, mode in zip(reply["logs"], modes)]
    want = [_log_values([log], ("val_" if mode == "test" else "") + "loss")[0] for log, mode in zip(logs, modes)]
    expect.tensor(torch.stack(got), torch.stack(want), what="the loss logged by each step (the tracker's running mean)")


@check(points=2, kind="convergence",
       hint="If train_step matches the reference it converges: fix the correctness checks first.")
def test_train_step_learns_the_two_class_images(student: Student, exercise: Exercise, rng: torch.Generator) -> None:
    """The notes' model trained with train_step classifies held-out offline images

    The grader loads the state the steps leave into its own model and counts the held-out
    accuracy itself, in eval mode, on images the worker never sees.
    """
    seed, data_seed, val_seed = torch.randint(0, 2**31, (3,), generator=rng).tolist()
    torch.manual_seed(seed)
    state = dict(freeze(StepNet(3 * 32 * 32, classes=2)).state_dict())
    reply = student.probe("train_step.train", what="training with train_step", timeout_s=max(student.timeout_s, 120.0),
                          state=state, data_seed=data_seed, images=int(exercise.threshold("train_images")),
                          epochs=int(exercise.threshold("epochs")), batch_size=32, lr=1e-2, momentum=0.9, seed=seed)
    curve = [sum(expect.as_float(v, what="logs['loss']") for v in epoch) / len(epoch) for epoch in reply["curve"]]
    model = convergence.trained(StepNet(3 * 32 * 32, classes=2), reply["state"])
    convergence.expect_accuracy(student, exercise, convergence.accuracy(model, *convergence.held_out_images(exercise, val_seed)),
                                curve, curve_label="mean logged loss per epoch", trained="the model",
                                epochs=f"{len(curve)} epochs of train_step")
