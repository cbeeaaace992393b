"""grader/catalog.py: finding and selecting exercises, the errors that say what to type, and what each entry holds."""

from __future__ import annotations

import ast

import pytest

import grader.references
from grader import catalog

ROOT = grader.references.PROJECT_DIR


def test_an_exercise_is_found_by_its_name():
    exercise = catalog.find("resnet")
    assert exercise.name == "resnet" and exercise.checks_module == "grader.checks.test_resnet"


def test_a_misspelt_name_is_refused_with_the_closest_and_where_to_look():
    with pytest.raises(catalog.UnknownExercise) as refused:
        catalog.find("resnt")
    assert str(refused.value) == "No exercise named 'resnt'. Did you mean 'resnet'? See 'grader list'."


def test_a_name_close_to_none_is_refused_without_a_guess():
    with pytest.raises(catalog.UnknownExercise) as refused:
        catalog.find("quantum_chromodynamics")
    assert str(refused.value) == "No exercise named 'quantum_chromodynamics'. See 'grader list'."


def test_selecting_nothing_selects_every_exercise_in_the_courses_order():
    assert catalog.select([]) == list(catalog.available())
    assert [e.name for e in catalog.available()] == [e.name for e in catalog.EXERCISES
                                                     if e in catalog.available()]


def test_a_selection_keeps_the_courses_order_and_each_exercise_once():
    first, second = catalog.EXERCISES[0].name, catalog.EXERCISES[1].name
    assert [e.name for e in catalog.select([second, first, second])] == [first, second]


def test_one_unknown_name_refuses_the_whole_selection():
    with pytest.raises(catalog.UnknownExercise, match="'encodng'. Did you mean 'encoding'"):
        catalog.select(["linear_model", "encodng"])


def test_an_exercise_whose_checks_are_not_written_is_not_available(tmp_path, monkeypatch):
    (tmp_path / "test_encoding.py").write_text("")
    monkeypatch.setattr(grader.references, "CHECKS_DIR", tmp_path)
    assert [e.name for e in catalog.available()] == ["encoding"]
    with pytest.raises(catalog.UnknownExercise):
        catalog.find("linear_model")


def test_thresholds_are_read_as_floats_and_cannot_be_changed_at_run_time():
    exercise = catalog.find("linear_model")
    assert exercise.threshold("w_tolerance") == 1e-3 and isinstance(exercise.threshold("w_tolerance"), float)
    with pytest.raises(TypeError):
        exercise.thresholds["w_tolerance"] = 1.0  # type: ignore[index]
    with pytest.raises(KeyError):
        exercise.threshold("no_such_threshold")


@pytest.mark.parametrize("exercise", catalog.EXERCISES, ids=[e.name for e in catalog.EXERCISES])
def test_each_exercise_is_a_stub_a_reference_and_checks_of_the_same_name(exercise):
    for path in (ROOT / "exercises" / f"{exercise.name}.py", ROOT / "solutions" / f"{exercise.name}.py",
                 ROOT / "grader" / "checks" / f"test_{exercise.name}.py"):
        assert path.is_file(), path


@pytest.mark.parametrize("exercise", catalog.EXERCISES, ids=[e.name for e in catalog.EXERCISES])
def test_every_object_an_exercise_lists_is_defined_in_its_stub_and_its_reference(exercise):
    for folder in ("exercises", "solutions"):
        tree = ast.parse((ROOT / folder / f"{exercise.name}.py").read_text(encoding="utf-8"))
        defined = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        for obj in exercise.objects:
            name, _, method = obj.partition(".")
            assert name in defined, f"{folder}/{exercise.name}.py has no {name}"
            if method:
                assert method in {n.name for n in defined[name].body if isinstance(n, ast.FunctionDef)}, obj
