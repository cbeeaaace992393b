"""Property checks a student who has read the grader cannot fool: forbidden APIs and autograd off, decided by reading.

Each folder under ``_properties/`` is a submission that does what a property check forbids,
in a way the in-worker recorder alone misses (another name, another module, ``torch._C``, a
patched recorder, probe registry or ``torch.is_grad_enabled``). Every one must get the
failing verdict, say that it was decided by reading the code, and keep full marks elsewhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "_properties"
SUPPORT = {"encoding": [CASES / "_shared" / "labels.py"], "linear_model": [Path(__file__).parent / "_correct.py"],
           "evaluation": []}
ONE_HOT = ("encoding", "does_not_call_functional_one_hot")
AUTOGRAD = ("linear_model", "gradient_does_not_use_autograd")
NO_GRAD = ("evaluation", "no_autograd_graph_is_built")
UNCHANGED = ("linear_model", "inputs_are_not_modified")
#: case -> (exercise, the check it must fail, the outcome, words its message must hold)
EXPECTED = {
    "one_hot_default_argument": (*ONE_HOT, "forbidden", "encoding.py line 7 (as `F.one_hot`)"),
    "one_hot_through_torch_c": (*ONE_HOT, "forbidden", "torch._C._nn.one_hot"),
    "one_hot_in_second_module": (*ONE_HOT, "forbidden", "encode_helpers.py line 5 (as `_one_hot`)"),
    "one_hot_by_getattr": (*ONE_HOT, "forbidden", "getattr() with a computed name"),
    "autograd_grad_alias": (*AUTOGRAD, "forbidden", "torch.autograd.grad at linear_model.py line 9 (as `g`)"),
    "autograd_in_helper": (*AUTOGRAD, "forbidden", "derivatives.py line 6"),
    "patches_recorder": (*AUTOGRAD, "forbidden", "torch.autograd.grad at linear_model.py line 20"),
    "patches_probe_registry": (*AUTOGRAD, "forbidden", "torch.Tensor.backward at linear_model.py line 18"),
    "is_grad_enabled_lies": (*NO_GRAD, "forbidden", "an assignment to torch.is_grad_enabled"),
    "hides_mutation": (*UNCHANGED, "forbidden", "(grader.worker.probes.PROBES) can reach the grader's own objects"),
}
#: Cases that reach into the grader's worker fail every property check that reads the code, not only their own.
ALSO = {"patches_recorder": {UNCHANGED[1]}, "patches_probe_registry": {UNCHANGED[1]}, "hides_mutation": {AUTOGRAD[1]}}


@pytest.fixture(scope="module")
def graded(grade, tmp_path_factory):
    """Every case graded alone (public and hidden checks), from a copy holding its support modules."""
    results = {}
    for case, (exercise, *_) in EXPECTED.items():
        folder = tmp_path_factory.mktemp(case)
        shutil.copytree(CASES / case, folder, dirs_exist_ok=True)
        for support in SUPPORT[exercise]:
            shutil.copy(support, folder)
        results[case] = {c.name: c for c in grade(folder, exercise).checks}
    return results


def test_every_case_on_disk_is_in_the_table():
    on_disk = {p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_a_hidden_violation_fails_its_property_decided_by_reading_the_code(graded, case):
    _, name, outcome, words = EXPECTED[case]
    checked = graded[case][name]
    assert (checked.outcome, checked.points) == (outcome, 0), checked.message
    assert checked.message.startswith("decided by reading the code"), checked.message
    assert words in checked.message, checked.message


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_the_rest_of_a_hostile_submission_is_graded_as_usual(graded, case):
    _, name, _, _ = EXPECTED[case]
    others = {n: c.outcome for n, c in graded[case].items() if n != name and c.kind != "performance"}
    also = ALSO.get(case, set())
    assert {n for n in also if others.pop(n) == "forbidden"} == also
    assert set(others.values()) <= {"passed", "skipped"}, {n: graded[case][n].message for n in others
                                                           if others[n] not in ("passed", "skipped")}


# ----------------------------------------------------------------------------- the second signal, in a worker's shoes


@pytest.fixture
def imported(tmp_path, monkeypatch):
    """Import a case's modules as a worker does (by plain name, from a copy of its folder)."""
    import importlib
    import sys

    def load(case: str, module: str):
        folder = tmp_path / case
        shutil.copytree(CASES / case, folder)
        shutil.copy(CASES / "_shared" / "labels.py", folder)
        monkeypatch.syspath_prepend(str(folder))
        for name in [*(p.stem for p in folder.glob("*.py"))]:
            monkeypatch.delitem(sys.modules, name, raising=False)
        return importlib.import_module(module)

    return load


@pytest.mark.parametrize("case", ["one_hot_default_argument", "one_hot_through_torch_c", "one_hot_in_second_module"])
def test_the_recorder_sees_one_hot_under_any_name_or_module(imported, case):
    import torch

    from grader.worker.watch import watching

    encoding = imported(case, "encoding")
    with watching(["torch.nn.functional.one_hot"], [encoding]) as calls:
        encoding.one_hot(torch.tensor([0, 2, 1]), 3)
    assert [c["api"] for c in calls] == ["torch.nn.functional.one_hot"]


def test_a_model_records_autograd_on_even_when_torch_is_grad_enabled_lies(monkeypatch):
    import torch

    from grader.worker.probes.evaluation import RecordingModel

    model = RecordingModel(2)
    monkeypatch.setattr(torch, "is_grad_enabled", lambda: False)
    model(torch.randn(3, 4))
    assert model.records[-1]["grad_enabled"] is True
