"""grader/inventory.py: what the checks are worth, read from their @check metadata without running them."""

from __future__ import annotations

import ast
import sys
import types

import pytest

from grader import catalog, inventory, references
from grader.judge.core import check


@pytest.fixture
def toy_exercise(monkeypatch) -> catalog.Exercise:
    """An exercise whose checks module is built here: two checks, a test without metadata, a helper."""
    module = types.ModuleType("grader.checks.test_toy")

    @check(points=2, kind="correctness", hint="compute w * x")
    def test_forward():
        """forward() matches the reference."""

    @pytest.mark.parametrize("n", [1, 2])
    @check(points=1, kind="property", hint="leave w alone", hidden=True, after=("forward",))
    def test_leaves_w_alone(n):
        pass

    def test_without_metadata():
        pass

    def helper():
        pass

    for function in (test_forward, test_leaves_w_alone, test_without_metadata, helper):
        setattr(module, function.__name__, function)
    module.test_not_callable = 3
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return catalog.Exercise(name="toy", title="Toy", notes="", objects=("forward",))


def test_checks_are_read_from_their_metadata_in_file_order(toy_exercise):
    found = inventory.checks_of(toy_exercise)
    assert found == [
        inventory.CheckInfo("toy", "forward", 2.0, "correctness", False, "compute w * x", "forward() matches the reference"),
        inventory.CheckInfo("toy", "leaves_w_alone", 1.0, "property", True, "leave w alone", "leaves w alone",
                            ("forward",)),
    ]


@pytest.mark.parametrize("exercise", catalog.available(), ids=[e.name for e in catalog.available()])
def test_every_decorated_check_of_the_course_is_in_the_inventory_in_file_order(exercise):
    source = (references.CHECKS_DIR / f"test_{exercise.name}.py").read_text(encoding="utf-8")
    decorated = [node.name.removeprefix("test_") for node in ast.parse(source).body
                 if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
                 and any("check" in ast.unparse(d) for d in node.decorator_list)]
    found = inventory.checks_of(exercise)
    assert [c.name for c in found] == decorated
    assert all(c.points > 0 and c.kind in ("correctness", "property", "convergence", "performance") and c.title
               for c in found)


def test_points_by_exercise_split_public_and_hidden_points(monkeypatch, toy_exercise):
    monkeypatch.setattr(catalog, "available", lambda: (toy_exercise,))
    assert inventory.points_by_exercise() == {"toy": (2.0, 1.0)}


def test_the_course_has_points_in_every_exercise_and_public_points_in_each():
    totals = inventory.points_by_exercise()
    assert set(totals) == {e.name for e in catalog.available()}
    assert all(public > 0 and hidden >= 0 for public, hidden in totals.values())
