"""Checks of ``device``: ``pick_device`` and the notes' training loop that moves each batch (notes 002, GPU)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from grader.catalog import Exercise
from grader.judge import convergence, expect
from grader.judge.core import Student, Verdict, check, explaining, fail
from grader.judge.reference import reference_of
from grader.shared.data.images import two_class_images
from grader.shared.exercises.device import Net

reference = reference_of("device")


LR, MOMENTUM = 1e-2, 0.9  # the notes' SGD learning rate; momentum so a short budget converges
MIXED_DEVICES = ("training_loop must move imgs AND labels to `device` before using them "
                 "(imgs = imgs.to(device=device), labels likewise)")
DEVICE_OBJECT = ("`device` may be a torch.device (what pick_device() returns) as well as a string such as 'cpu': pass it "
                 "to .to(device=device) as it is, or compare torch.device(device).type, not string methods")


def _initial_state(seed: int) -> dict[str, torch.Tensor]:
    torch.manual_seed(seed)
    return dict(Net().state_dict())


def _train(student: Student, *, state: dict[str, torch.Tensor], data_seed: int, images: int, batch_size: int,
           n_epochs: int, device: str = "cpu", cuda_reported: bool | None = None,
           timeout_s: float | None = None, device_object: bool = False) -> dict[str, Any]:
    given = f"torch.device({device!r})" if device_object else repr(device)
    with explaining("Expected all tensors to be on the same device", MIXED_DEVICES), \
            explaining("'torch.device' object", DEVICE_OBJECT):
        return student.probe("device.train", what=f"training_loop({n_epochs}, optimizer, model, loss_fn, train_loader, "
                             f"device={given})", timeout_s=timeout_s, state=state, data_seed=data_seed,
                             images=images, batch_size=batch_size, n_epochs=n_epochs, lr=LR, momentum=MOMENTUM,
                             device=device, cuda_reported=cuda_reported, device_object=device_object)


def _reference_run(state: dict[str, torch.Tensor], data_seed: int, images: int, batch_size: int, n_epochs: int,
                   *, zero_grad: bool = True) -> tuple[list[float], dict[str, torch.Tensor]]:
    model = Net()
    model.load_state_dict(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    if not zero_grad:
        optimizer.zero_grad = lambda set_to_none=True: None  # type: ignore[method-assign]
    x, y = two_class_images(images, data_seed)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=False)
    losses = reference.training_loop(n_epochs, optimizer, model, F.cross_entropy, loader, "cpu")
    return losses, model.state_dict()


def _losses(value: Any, n_epochs: int) -> list[float]:
    if not isinstance(value, list) or len(value) != n_epochs:
        raise fail(f"training_loop returned {expect.describe(value)}; expected a list of {n_epochs} floats, "
                   "the mean batch loss of each epoch")
    for index, loss in enumerate(value):
        if isinstance(loss, expect.RemoteTensor):
            graph = " attached to an autograd graph" if loss.grad_fn or loss.requires_grad else ""
            raise fail(f"training_loop returned losses[{index}] as a tensor{graph}: add loss.item() (a float) to "
                       "loss_train; adding the loss tensor keeps every batch's graph alive and returns a tensor")
    return [expect.as_float(v, what=f"losses[{i}]") for i, v in enumerate(value)]


def _expect_reference_trajectory(reply: dict[str, Any], state: dict[str, torch.Tensor], data_seed: int, images: int,
                                 batch_size: int, n_epochs: int, *, rtol: float | None = None,
                                 atol: float | None = None) -> None:
    got = _losses(reply["losses"], n_epochs)
    losses, final = _reference_run(state, data_seed, images, batch_size, n_epochs)
    for name, value in final.items():
        what = f"the model's '{name}' after training"
        try:
            expect.tensor(reply["state"].get(name), value, what=what, rtol=rtol, atol=atol)
        except Verdict:  # only now is the trajectory without zero_grad worth computing, to name the mistake
            stale = _reference_run(state, data_seed, images, batch_size, n_epochs, zero_grad=False)[1]
            expect.tensor(reply["state"].get(name), value, what=what, rtol=rtol, atol=atol,
                          mistakes={"never calling optimizer.zero_grad() (gradients pile up)": stale[name]})
            raise
    batches = -(-images // batch_size)
    expect.tensor(torch.tensor(got), torch.tensor(losses), what="the losses training_loop returned", rtol=rtol,
                  atol=atol, mistakes={
                      "dividing by the number of samples instead of the number of batches":
                          torch.tensor(losses) * batches / images,
                      "the sum of the batch losses, not their mean": torch.tensor(losses) * batches,
                  })


@check(points=2, kind="correctness",
       hint="torch.device('cuda') if torch.cuda.is_available() else torch.device('cpu'): a torch.device, chosen by asking.")
def test_pick_device_prefers_cuda_when_available(student: Student) -> None:
    """pick_device() gives torch.device('cuda') where CUDA is available and torch.device('cpu') elsewhere"""
    for available, wanted in ((False, "cpu"), (True, "cuda")):
        where = "with CUDA available" if available else "on a machine without CUDA"
        reply = student.probe("device.pick", what=f"pick_device() {where}", cuda_available=available)
        if reply["type"] != "torch.device":
            raise fail(f"pick_device() {where} returned a {reply['type']} ({reply['text']!r}); expected "
                       f"torch.device('{wanted}'), a device object")
        if reply["device_type"] != wanted or reply["index"] not in (None, 0):
            blind = (": ask torch.cuda.is_available() rather than assuming a GPU" if wanted == "cpu" else
                     ": use the GPU whenever torch.cuda.is_available() says there is one")
            raise fail(f"pick_device() {where} returned {reply['text']}; expected torch.device('{wanted}'){blind}")


@check(points=3, kind="correctness",
       hint="Per batch: move, forward, loss, zero_grad, backward, step, loss_train += loss.item(); per epoch "
            "append loss_train / len(train_loader).")
def test_training_loop_matches_the_notes_loop_on_cpu(student: Student, rng: torch.Generator,
                                                     seeded: Callable[[int], int]) -> None:
    """On the CPU, training_loop gives the notes' losses and final weights, batch for batch"""
    state, data_seed = _initial_state(int(torch.randint(0, 2**31, (), generator=rng))), seeded(17)
    reply = _train(student, state=state, data_seed=data_seed, images=200, batch_size=64, n_epochs=2)
    _expect_reference_trajectory(reply, state, data_seed, 200, 64, 2)


@check(points=1, kind="property", hint="loss_train += loss.item(): .item() gives a Python float, free of the graph. "
       "Pass device on to .to(device=device) as it is: it may be a torch.device or a string.")
def test_training_loop_returns_floats(student: Student, rng: torch.Generator, seeded: Callable[[int], int]) -> None:
    """training_loop, given torch.device('cpu') as pick_device() gives it, returns one Python float per epoch"""
    state = _initial_state(int(torch.randint(0, 2**31, (), generator=rng)))
    reply = _train(student, state=state, data_seed=seeded(3), images=64, batch_size=32, n_epochs=3, device_object=True)
    _losses(reply["losses"], 3)


@check(points=2, kind="property",
       hint="imgs = imgs.to(device=device); labels = labels.to(device=device), with the `device` argument itself.")
def test_every_batch_is_moved_to_the_given_device(student: Student, rng: torch.Generator,
                                                  seeded: Callable[[int], int]) -> None:
    """training_loop moves the images and the labels of every batch to the device it is given

    The loader's batches record each move; CUDA is reported available during the call, so
    a loop that picks its own device instead of using ``device='cpu'`` shows it on any machine.
    """
    state = _initial_state(int(torch.randint(0, 2**31, (), generator=rng)))
    with explaining("CUDA", "training_loop tried to use CUDA although it was given device='cpu': use the `device` "
                    "argument, not pick_device() or a global"):
        reply = _train(student, state=state, data_seed=seeded(5), images=96, batch_size=32, n_epochs=1, cuda_reported=True)
    elsewhere = sorted({m for m in reply["moves"] if not m.startswith("cpu")})
    if elsewhere:
        raise fail(f"training_loop was given device='cpu' but moved batches to {elsewhere}: use the `device` "
                   "argument (the caller decides), not pick_device() or a global `device`")
    for records, what in ((reply["inputs"], "images"), (reply["labels"], "labels")):
        if not records:
            raise fail(f"training_loop never passed any {what} on: it must run the model and the loss on each batch")
        unmoved = sum(not r["moved"] for r in records)
        if unmoved:
            raise fail(f"{unmoved} of {len(records)} batches reached the {'model' if what == 'images' else 'loss'} "
                       f"with their {what} never moved: {what} = {what}.to(device=device) (assign the result: "
                       ".to() returns a new tensor, it does not move the old one)")


@check(points=2, kind="correctness",
       hint="Move the batches with .to(device=device); the model was moved by the caller. Nothing else changes on a GPU.")
def test_training_loop_runs_on_cuda(student: Student, rng: torch.Generator, seeded: Callable[[int], int]) -> None:
    """On a GPU, training_loop(..., device='cuda') trains on CUDA tensors and matches the CPU results"""
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here: run on a machine with a GPU to check training on CUDA")
    state, data_seed = _initial_state(int(torch.randint(0, 2**31, (), generator=rng))), seeded(23)
    reply = _train(student, state=state, data_seed=data_seed, images=200, batch_size=64, n_epochs=2, device="cuda")
    devices = sorted({r["device"] for r in reply["inputs"] + reply["labels"]})
    if any(not d.startswith("cuda") for d in devices):
        raise fail(f"the model and the loss received tensors on {devices}: move every batch to `device`")
    # cuDNN and cuBLAS sum in other orders than the CPU: a few float32 ulps per step, grown over 8 steps.
    _expect_reference_trajectory(reply, state, data_seed, 200, 64, 2, rtol=1e-3, atol=1e-4)


@check(points=1, kind="correctness", hidden=True,
       hint="Average over len(train_loader) batches, the short last one included; one zero_grad/backward/step per batch.")
def test_training_loop_matches_the_reference_on_other_batches(student: Student, rng: torch.Generator) -> None:
    """training_loop matches the reference for another batch size, epoch count and uneven last batch"""
    state = _initial_state(int(torch.randint(0, 2**31, (), generator=rng)))
    batch_size = int(torch.randint(16, 48, (), generator=rng))
    images = 3 * batch_size + int(torch.randint(1, batch_size, (), generator=rng))
    n_epochs = int(torch.randint(1, 4, (), generator=rng))
    data_seed = int(torch.randint(0, 2**31, (), generator=rng))
    reply = _train(student, state=state, data_seed=data_seed, images=images, batch_size=batch_size, n_epochs=n_epochs)
    _expect_reference_trajectory(reply, state, data_seed, images, batch_size, n_epochs)


@check(points=2, kind="convergence",
       hint="If the loop matches the notes' on the CPU it converges: fix the correctness checks first.")
def test_training_loop_learns_the_two_class_images(student: Student, exercise: Exercise, rng: torch.Generator) -> None:
    """The notes' Net trained with training_loop classifies held-out offline images

    The grader loads the weights the loop leaves into its own Net and counts the held-out
    accuracy itself, on images the worker never sees.
    """
    seed, data_seed, val_seed = torch.randint(0, 2**31, (3,), generator=rng).tolist()
    n_epochs = int(exercise.threshold("epochs"))
    reply = _train(student, state=_initial_state(seed), data_seed=data_seed, images=int(exercise.threshold("train_images")),
                   batch_size=64, n_epochs=n_epochs, timeout_s=max(student.timeout_s, 120.0))
    curve = _losses(reply["losses"], n_epochs)
    net = convergence.trained(Net(), reply["state"])
    convergence.expect_accuracy(student, exercise, convergence.accuracy(net, *convergence.held_out_images(exercise, val_seed)),
                                curve, curve_label="mean batch loss per epoch", epochs=f"{n_epochs} epochs")
