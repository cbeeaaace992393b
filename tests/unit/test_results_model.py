"""The results model (grader/results.py) and its outcome vocabulary: scores, refusals, JSON round trips."""

from __future__ import annotations

import json

import pytest
import torch

from grader import schemas
from grader.results import OUTCOMES, SCHEMA_VERSION, BenchResult, CheckResult, ExerciseResult, RunResult
from grader.shared.outcome import Outcome


def check(name: str, outcome: str, points: float, max_points: float = 1.0, **fields) -> CheckResult:
    return CheckResult(exercise=fields.pop("exercise", "linear_model"), name=name, title=name, kind="correctness",
                       hidden=False, max_points=max_points, points=points, outcome=outcome, **fields)


def run(*exercises: ExerciseResult) -> RunResult:
    return RunResult(submission="alice", started_at="2026-01-01T00:00:00+00:00", duration_s=1.5, grader_version="t",
                     seed=3, include_hidden=False, isolation="fork", exercises=list(exercises))


@pytest.fixture
def two_exercises() -> RunResult:
    return run(
        ExerciseResult("linear_model", "Gradient by hand", [
            check("forward", "passed", 2.0, 2.0, details={"shape": [3]}),
            check("cost", "failed", 0.0, 1.0, message="cost() is 3; expected 2", hint="divide by the count"),
            check("gpu", "skipped", 0.0, 3.0, message="no CUDA device here"),
        ]),
        ExerciseResult("encoding", "One-hot", [check("one_hot", "passed", 1.0, exercise="encoding")]),
    )


# ----------------------------------------------------------------------------- outcomes


def test_every_outcome_reads_and_writes_as_its_plain_word():
    assert [str(o) for o in OUTCOMES] == [o.value for o in Outcome]
    assert json.dumps({"outcome": Outcome.NOT_IMPLEMENTED}) == '{"outcome": "not_implemented"}'
    assert Outcome("timeout") is Outcome.TIMEOUT and Outcome.TIMEOUT == "timeout"


def test_only_passed_and_skipped_keep_a_checks_points():
    assert {o for o in Outcome if not o.failing} == {Outcome.PASSED, Outcome.SKIPPED}


def test_a_function_that_raised_or_was_stopped_did_not_run_but_a_wrong_answer_did():
    assert Outcome.ERROR.did_not_run and Outcome.TIMEOUT.did_not_run and Outcome.NOT_IMPLEMENTED.did_not_run
    assert not Outcome.FAILED.did_not_run and not Outcome.FORBIDDEN.did_not_run and not Outcome.PASSED.did_not_run


def test_incidents_are_the_stopped_workers_and_the_graders_own_failures():
    assert {o for o in Outcome if o.incident} == {Outcome.TIMEOUT, Outcome.MEMORY, Outcome.CRASHED, Outcome.EXITED,
                                                  Outcome.FORBIDDEN, Outcome.GRADER_ERROR}


def test_labels_are_words_for_people():
    assert Outcome.NOT_IMPLEMENTED.label == "not implemented yet" and Outcome.GRADER_ERROR.label == "grader error"
    assert Outcome.MEMORY.label == "out of memory" and Outcome.PASSED.label == "passed"
    assert all("_" not in o.label for o in Outcome)


# ----------------------------------------------------------------------------- checks, exercises, runs


def test_a_check_result_refuses_a_word_that_is_no_outcome_when_made_and_when_changed():
    with pytest.raises(ValueError):
        check("cost", "wrong", 0.0)
    result = check("cost", "passed", 1.0)
    with pytest.raises(ValueError):
        result.outcome = "fine"
    result.outcome = "timeout"
    assert result.outcome is Outcome.TIMEOUT and result.failed and not result.passed


def test_a_check_is_identified_by_its_exercise_and_name():
    assert check("cost", "passed", 1.0).id == "linear_model::cost"


def test_skipped_checks_count_in_no_maximum(two_exercises):
    linear_model, encoding = two_exercises.exercises
    assert (linear_model.points, linear_model.max_points) == (2.0, 3.0)
    assert (two_exercises.points, two_exercises.max_points) == (3.0, 4.0)
    assert not linear_model.all_passed and encoding.all_passed and not two_exercises.all_passed


def test_a_run_lists_its_checks_in_exercise_order(two_exercises):
    assert [c.id for c in two_exercises.checks] == ["linear_model::forward", "linear_model::cost", "linear_model::gpu",
                                             "encoding::one_hot"]


def test_a_run_of_skipped_and_passed_checks_has_all_passed():
    assert run(ExerciseResult("e", "E", [check("a", "passed", 1.0), check("b", "skipped", 0.0)])).all_passed


def test_a_grader_error_anywhere_is_seen_on_the_run(two_exercises):
    assert not two_exercises.has_grader_error
    two_exercises.exercises[1].checks[0].outcome = Outcome.GRADER_ERROR
    assert two_exercises.has_grader_error


# ----------------------------------------------------------------------------- JSON


def test_json_reads_back_as_an_equal_run_with_outcomes_as_outcomes(two_exercises):
    written = json.loads(two_exercises.to_json())
    schemas.validate("results", written)
    again = RunResult.from_dict(written)
    assert again == two_exercises
    assert all(isinstance(c.outcome, Outcome) for c in again.checks)


def test_results_of_another_schema_are_refused_saying_to_grade_again(two_exercises):
    data = two_exercises.to_dict()
    data["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(ValueError, match="re-run the grader"):
        RunResult.from_dict(data)
    del data["schema_version"]
    with pytest.raises(ValueError, match="schema version None"):
        RunResult.from_dict(data)


def test_a_stored_check_with_an_unknown_outcome_is_refused(two_exercises):
    data = two_exercises.to_dict()
    data["exercises"][0]["checks"][0]["outcome"] = "excellent"
    with pytest.raises(ValueError):
        RunResult.from_dict(data)


def test_json_holds_plain_data_only(two_exercises):
    two_exercises.checks[0].details["weights"] = torch.zeros(2)
    with pytest.raises(TypeError, match="results must hold plain data, got Tensor"):
        two_exercises.to_json()


def test_json_refuses_a_number_json_cannot_carry(two_exercises):
    two_exercises.checks[0].details["loss"] = float("nan")
    with pytest.raises(ValueError):
        two_exercises.to_json()


def test_a_bench_result_is_json_with_its_measurements_and_problems():
    bench = BenchResult(measurements=[{"title": "one_hot", "median_ratio": 0.8}], problems=["cuda: skipped"])
    assert json.loads(bench.to_json()) == {"measurements": [{"title": "one_hot", "median_ratio": 0.8}],
                                           "problems": ["cuda: skipped"], "schema_version": SCHEMA_VERSION}
