"""Checks of ``checkpoint``: ``save`` and ``load`` through the ``state_dict`` (notes 002, save/load).

The grader never unpickles the student's file: the worker reads it with
``torch.load(..., weights_only=True)`` and sends back plain tensors.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

from grader.judge import expect, modules
from grader.judge.core import Student, check, explaining, fail
from grader.shared.exercises.checkpoint import CheckpointNet

WIDTH = 6  # not CheckpointNet's default 4, so a load() that drops **kwargs builds the wrong model
UNSAFE = {"torch.load": "weights_only=False lets a checkpoint file run arbitrary code when it is loaded; state_dicts "
                        "load with weights_only=True"}
KWARGS = ("load() must build model_cls(**kwargs) with every keyword it is given: the checkpoint was saved from "
          "a CheckpointNet of another width than the default")


def _state(rng: torch.Generator, width: int = WIDTH, head: bool = False) -> dict[str, torch.Tensor]:
    """A random state for CheckpointNet, its batch counter included."""
    state = modules.random_state(CheckpointNet(width, head), rng)
    state["norm.num_batches_tracked"] = torch.randint(1, 10_000, (), generator=rng)
    return state


def _round_trip(student: Student, state: dict[str, torch.Tensor], *, load: bool, pathlib: bool = False,
                training: bool = True, width: int = WIDTH, device: str | None = None) -> dict[str, Any]:
    what = "save(model, path) then load(CheckpointNet, path, width=...)" if load else "save(model, path)"
    with explaining("size mismatch", KWARGS):
        return student.probe("checkpoint.round_trip", what=what, width=width, state=state, training=training,
                             pathlib=pathlib, load=load, seed=11, device=device)


def _expect_same_state(got: Any, state: dict[str, torch.Tensor], *, what: str,
                       mistakes: dict[str, dict[str, Any]] | None = None) -> None:
    """``got`` (a state_dict that came back) holds exactly ``state``: same keys, dtypes and values."""
    if not isinstance(got, dict):
        raise fail(f"{what} is {expect.describe(got)}; expected a state_dict")
    missing, extra = sorted(set(state) - set(got)), sorted(set(got) - set(state))
    if missing or extra:
        buffers = [k for k in missing if "running" in k or "num_batches" in k]
        why = (f": the buffers {buffers} (batch norm's running statistics) are missing, as with "
               "dict(model.named_parameters()) or model.parameters(); model.state_dict() holds them") if buffers else ""
        raise fail(f"{what} has the keys {sorted(got)}; expected {sorted(state)}{why}", missing=missing, extra=extra)
    for name, value in state.items():
        seen = expect.shaped(got[name], tuple(value.shape), value.dtype, what=f"{what}: '{name}'")
        if not torch.equal(seen.data, value):
            named = next((f": it matches {m}" for m, candidate in (mistakes or {}).items()
                          if isinstance(candidate.get(name), expect.RemoteTensor)
                          and torch.equal(seen.data, candidate[name].data)), "")
            raise fail(f"{what}: '{name}' differs from the saved values{named}; a round trip must be exact")


def _expect_state_dict_file(reply: dict[str, Any], state: dict[str, torch.Tensor]) -> None:
    content = reply["file"]
    kind = content["kind"]
    if kind == "missing":
        raise fail(f"save(model, path) wrote no file at the path it was given (the folder holds {content['files']}): "
                   "write exactly to `path`, adding no extension")
    if kind == "unloadable":
        pickled = [g for g in content["globals"] if "CheckpointNet" in g or g.startswith("torch.nn.modules")]
        if pickled:
            raise fail(f"the file pickles the model object itself (it names {pickled[:3]}): torch.save(model, path) "
                       "saves the class and its code, so it loads only with weights_only=False, which can run "
                       "arbitrary code; save model.state_dict() instead")
        raise fail(f"torch.load(path, weights_only=True) cannot read the file save() wrote: {content['error'][:300]}")
    if kind != "tensors":
        keys = f" with keys {content['keys']}" if content.get("keys") is not None else ""
        raise fail(f"the file holds a {kind}{keys}; expected the model's state_dict itself, so that "
                   "model.load_state_dict(torch.load(path, weights_only=True)) works as in the notes")
    _expect_same_state(content["state"], state, what="the state_dict in the file")


@check(points=2, kind="correctness",
       hint="save(model, path) is torch.save(model.state_dict(), path): parameters and buffers, no model object.")
def test_save_writes_the_state_dict(student: Student, rng: torch.Generator) -> None:
    """save() writes the model's state_dict at path, readable with torch.load(weights_only=True)"""
    state = _state(rng)
    _expect_state_dict_file(_round_trip(student, state, load=False), state)


def _expect_loaded_model(reply: dict[str, Any], state: dict[str, torch.Tensor]) -> None:
    loaded = reply["loaded"]
    if not loaded["is_module"]:
        if loaded["type"] == "_IncompatibleKeys":
            raise fail("load() returned what model.load_state_dict() returns (a report of missing and unexpected keys), "
                       "not the model: call load_state_dict, then return the model")
        raise fail(f"load() returned a {loaded['type']}; expected the new CheckpointNet model")
    if loaded["type"] != "CheckpointNet":
        raise fail(f"load(CheckpointNet, path, ...) returned a {loaded['type']}; expected an instance of model_cls")
    _expect_same_state(loaded["state"], state, what="the loaded model's state_dict", mistakes={
        "a freshly built model: load_state_dict was never called on it": reply["fresh"]})
    if not loaded["requires_grad"]:
        raise fail("the loaded model's parameters do not require grad: load the state with load_state_dict, "
                   "which keeps them trainable")


@check(points=3, kind="correctness",
       hint="load: model = model_cls(**kwargs); model.load_state_dict(torch.load(path, map_location='cpu', "
            "weights_only=True)); return model.")
def test_round_trip_is_exact(student: Student, rng: torch.Generator) -> None:
    """load(model_cls, path, **kwargs) after save() gives back every parameter and buffer exactly"""
    state = _state(rng)
    reply = _round_trip(student, state, load=True, pathlib=True)
    _expect_state_dict_file(reply, state)
    _expect_loaded_model(reply, state)


@check(points=1, kind="property", hint="Read checkpoints with torch.load(path, map_location='cpu', weights_only=True).")
def test_load_reads_with_weights_only(student: Student, rng: torch.Generator) -> None:
    """load() never calls torch.load with weights_only=False"""
    reply = _round_trip(student, _state(rng), load=True)
    if "calls" not in reply:  # the probe runs load() only on a file that save() wrote
        raise fail("load() could not be checked: save(model, path) wrote no file at the path it was given; "
                   "fix save() first (write exactly to `path`, adding no extension)")
    unsafe = [c for c in reply["calls"] if c["arguments"].get("weights_only") is False]
    expect.not_called(unsafe, UNSAFE, what="load()")


@check(points=1, kind="property",
       hint="Keep load_state_dict strict (the default): a checkpoint that does not fit the model must raise.")
def test_load_refuses_a_checkpoint_that_does_not_fit(student: Student, rng: torch.Generator) -> None:
    """load() raises when the file lacks layers the model has, instead of leaving them random"""
    reply = student.probe("checkpoint.load_file", what="load(CheckpointNet, path, width=6, head=True)",
                          state=_state(rng), width=WIDTH, head=True, written_on_gpu=False)
    if "raised" not in reply:
        raise fail("load() accepted a checkpoint without the model's 'head.weight' and 'head.bias' and left them at "
                   "their random initial values: keep load_state_dict strict (no strict=False)")


@check(points=2, kind="property",
       hint="torch.load(path, map_location='cpu', weights_only=True): tensors saved on a GPU are mapped to the CPU.")
def test_load_reads_a_gpu_checkpoint_on_a_cpu_machine(student: Student, rng: torch.Generator) -> None:
    """A checkpoint written on a GPU loads on a machine without CUDA"""
    state = _state(rng)
    reply = student.probe("checkpoint.load_file", what="load() of a checkpoint written on a GPU", state=state,
                          width=WIDTH, head=False, written_on_gpu=True)
    if "raised" in reply:
        advice = (": pass map_location='cpu' to torch.load, so tensors saved on a GPU are put on the CPU"
                  if "CUDA" in reply["message"] else "")
        raise fail(f"load() of a checkpoint written on a GPU raised {reply['raised']} on a machine without CUDA: "
                   f"{reply['message'][:300]}{advice}")
    _expect_loaded_model(reply, state)
    devices = reply["loaded"]["devices"]
    if devices != ["cpu"]:
        raise fail(f"load() returned a model with tensors on {devices}; expected it on the CPU")


@check(points=1, kind="property",
       hint="save() only reads the model: no model.cpu(), model.eval() or changes to its tensors.")
def test_save_leaves_the_model_as_it_was(student: Student, rng: torch.Generator) -> None:
    """save() leaves the model's values and its training mode as they were"""
    for training in (True, False):
        state = _state(rng)
        after = _round_trip(student, state, load=False, training=training)["after_save"]
        if after["training"] != training:
            raise fail(f"save() switched the model from {'training' if training else 'eval'} mode to "
                       f"{'training' if after['training'] else 'eval'} mode: saving must not change the model")
        _expect_same_state(after["state"], state, what="the model after save()")


@check(points=1, kind="property",
       hint="Save the state_dict as it is; torch.load(..., map_location='cpu') moves it at load time.")
def test_save_leaves_a_gpu_model_on_the_gpu(student: Student, rng: torch.Generator) -> None:
    """On a GPU, save() leaves the model on the GPU"""
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here: run on a machine with a GPU to check that save() leaves a GPU model there")
    state = _state(rng)
    reply = _round_trip(student, state, load=True, device="cuda")
    devices = reply["after_save"]["devices"]
    if any(not d.startswith("cuda") for d in devices):
        raise fail(f"after save() the model's tensors are on {devices}: save() moved the caller's model off the GPU "
                   "(model.cpu() and model.to() move the model itself); save model.state_dict() as it is")
    _expect_loaded_model(reply, state)


@check(points=2, kind="correctness", hidden=True,
       hint="save the state_dict, load it into model_cls(**kwargs): every tensor comes back bit for bit.")
def test_round_trip_of_another_model_is_exact(student: Student, rng: torch.Generator) -> None:
    """A round trip of a model of another width, in eval mode, is exact"""
    width = int(torch.randint(2, 9, (), generator=rng))
    state = _state(rng, width)
    reply = _round_trip(student, state, load=True, training=False, width=width)
    _expect_state_dict_file(reply, state)
    _expect_loaded_model(reply, state)
