"""A check that would only repeat another's failure (a speed figure of wrong code) is not scored, and says so."""

from __future__ import annotations

import pytest
from conftest import SUBMISSIONS, submission_with

from grader import catalog, inventory


def _declared_in_order(exercise: catalog.Exercise) -> list[tuple[str, tuple[str, ...]]]:
    return [(info.name, info.after) for info in inventory.checks_of(exercise)]


@pytest.mark.parametrize("exercise", catalog.EXERCISES, ids=[e.name for e in catalog.EXERCISES])
def test_every_prerequisite_is_an_earlier_check_of_the_same_exercise(exercise):
    seen: set[str] = set()
    for name, after in _declared_in_order(exercise):
        assert set(after) <= seen, f"{exercise.name}::{name} runs after {sorted(set(after) - seen)}, which come later or do not exist"
        seen.add(name)


def test_the_speed_checks_wait_for_the_checks_of_the_same_objects():
    after = {name: prerequisites for e in catalog.EXERCISES for name, prerequisites in _declared_in_order(e)}
    assert "one_hot_matches_reference" in after["one_hot_throughput"]
    assert "does_not_call_functional_one_hot" in after["one_hot_throughput"]
    assert "blocks_do_not_share_weights" in after["netresdeep_throughput"]


@pytest.mark.slow
def test_blocks_that_share_weights_are_not_charged_again_by_the_speed_check(grade, tmp_path):
    result = grade(submission_with(tmp_path, "resnet", SUBMISSIONS / "resnet" / "shared_blocks.py"), "resnet")
    checks = {c.name: c for c in result.checks}
    assert checks["blocks_do_not_share_weights"].outcome == "failed"
    speed = checks["netresdeep_throughput"]
    assert speed.outcome == "skipped" and speed.points == 0 and not speed.hint
    assert "not scored" in speed.message and "weights of its own" in speed.message and "fix them first" in speed.message
    assert checks["resblock_throughput"].outcome == "passed"  # ResBlock itself is right: its speed is measured
