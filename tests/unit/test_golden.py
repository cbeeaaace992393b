"""Golden replay on a toy reference: what the seam records while recording is what it answers in a students' copy.

The toy reference stands in for ``solutions/<exercise>.py``: a function, a constant, a module
class, a training step that changes its argument in place, and a function that draws random
numbers. Recording goes through :func:`grader.judge.reference_of`, exactly as the checks do;
replay answers from the files written, with no reference importable.
"""

from __future__ import annotations

import sys
import types

import pytest
import torch
from torch import nn

from grader.bundle import golden
from grader.judge import reference_of


def _toy() -> types.ModuleType:
    toy = types.ModuleType("solutions.toy_reference")
    toy.SCALE = 3

    def triple(x):
        return x * toy.SCALE

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 1)

        def forward(self, x):
            return self.fc(x)

    def step(model, x):
        with torch.no_grad():
            for p in model.parameters():
                p.add_(x.sum())

    def noisy(n):
        return torch.rand(n)

    toy.triple, toy.Net, toy.step, toy.noisy = triple, Net, step, noisy
    Net.__module__ = triple.__module__ = step.__module__ = noisy.__module__ = toy.__name__
    return toy


@pytest.fixture
def recorded(tmp_path, monkeypatch):
    """Record a few public questions to the toy reference; return the fixtures' folder and the answers seen."""
    monkeypatch.setitem(sys.modules, "solutions.toy_reference", _toy())
    reference = reference_of("toy_reference")
    seen = {}
    with golden.recording(tmp_path) as recorder:
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        out = reference.triple(x)
        out.backward(torch.ones(2))
        seen["triple"], seen["grad"] = out.detach().clone(), x.grad.clone()
        seen["scale"] = reference.SCALE
        torch.manual_seed(0)
        net = reference.Net()
        seen["forward"] = net(torch.ones(1, 2)).detach().clone()
        reference.step(net, torch.tensor([0.5]))
        seen["stepped"] = {k: v.clone() for k, v in net.state_dict().items()}
        torch.manual_seed(7)
        seen["noisy"] = reference.noisy(4)
    assert not recorder.problems
    return tmp_path, seen


@pytest.fixture
def students_copy(recorded, monkeypatch):
    """The same seam in a copy of the grader that holds no reference: it answers from the fixtures."""
    folder, seen = recorded
    monkeypatch.delitem(sys.modules, "solutions.toy_reference")
    monkeypatch.setattr(golden, "solutions_dir", lambda: None)
    store = golden.Store.load(folder)
    monkeypatch.setattr(golden, "_shipped_store", lambda: store)
    return reference_of("toy_reference"), seen


def test_a_recorded_call_is_answered_with_its_result_and_its_gradient(students_copy):
    reference, seen = students_copy
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    out = reference.triple(x)
    out.backward(torch.ones(2))
    assert torch.equal(out.detach(), seen["triple"]) and torch.equal(x.grad, seen["grad"])


def test_a_constant_is_answered_as_it_was_read(students_copy):
    reference, seen = students_copy
    assert reference.SCALE == seen["scale"] == 3


def test_a_reference_module_is_replayed_with_its_weights_forward_and_the_changes_a_call_makes(students_copy):
    reference, seen = students_copy
    torch.manual_seed(0)
    net = reference.Net()
    assert torch.equal(net(torch.ones(1, 2)).detach(), seen["forward"])
    reference.step(net, torch.tensor([0.5]))
    assert all(torch.equal(net.state_dict()[k], v) for k, v in seen["stepped"].items())


def test_a_call_that_drew_random_numbers_is_answered_for_the_same_rng_state_only(students_copy):
    reference, seen = students_copy
    torch.manual_seed(7)
    assert torch.equal(reference.noisy(4), seen["noisy"])
    torch.manual_seed(8)
    with pytest.raises(golden.GoldenMiss):
        reference.noisy(4)


def test_a_question_never_recorded_is_a_miss_that_says_why(students_copy):
    reference, _ = students_copy
    with pytest.raises(golden.GoldenMiss, match="only holds the reference's answers for the reference's own"):
        reference.triple(torch.tensor([5.0, 6.0]))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(golden.GoldenMiss, match="gradient"):
        reference.triple(x).backward(torch.full((2,), 2.0))  # an upstream gradient no check used


def test_the_seam_never_answers_private_names(students_copy):
    reference, _ = students_copy
    with pytest.raises(AttributeError):
        reference._pytestfixturefunction  # noqa: B018  (what pytest probes module attributes for)
