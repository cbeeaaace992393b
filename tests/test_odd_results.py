"""The grader is never the one that fails: whatever a student's code returns, every check gives a verdict."""

from __future__ import annotations

import pytest
from odd_results import ODD_VALUES, odd_submission

from grader import catalog

EXERCISES = [e.name for e in catalog.EXERCISES]


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(ODD_VALUES))
def test_every_check_turns_an_odd_result_into_a_verdict(grade, tmp_path, variant):
    result = grade(odd_submission(tmp_path / variant, variant), *EXERCISES)
    assert {c.exercise for c in result.checks} == set(EXERCISES)
    errors = {c.id: c.message for c in result.checks if c.outcome == "grader_error"}
    assert errors == {}
    assert result.points < result.max_points


def test_odd_submissions_hold_every_exercise_and_parse(tmp_path):
    import ast

    folder = odd_submission(tmp_path / "none", "none")
    assert sorted(p.stem for p in folder.glob("*.py")) == sorted(EXERCISES)
    for module in folder.glob("*.py"):
        tree = ast.parse(module.read_text())
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Raise)], module.name  # no stub body is left
