"""grader.check.plugin: how each way a check ends is recorded, run by pytest in this process on toy checks.

The toy checks use the ``student`` fixture on a fake worker, so no process is started: what is
under test is the plugin's part, from a check's outcome to its :class:`CheckResult`.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

from grader import catalog
from grader.check.launcher import OutputTap, Reply
from grader.check.plugin import GraderPlugin, _skip_reason, plain
from grader.judge.core import Student
from grader.results import CheckResult
from grader.shared.outcome import Outcome

TOY_CHECKS = '''
import pytest
import torch

from grader.judge.core import Verdict, check, fail


@check(points=2, kind="correctness", hint="compute w * x")
def test_forward_matches_reference(student):
    """forward() matches the reference."""
    assert student.call("forward", 2.0, 3.0).result == 6.0


@check(points=1, kind="correctness", hint="divide by the count")
def test_cost_is_the_mean():
    raise fail("cost() is 3; expected 2", got=3.0, expected=float("nan"))


@check(points=1, kind="correctness", hint="the exercise's hint", after=("cost_is_the_mean",))
def test_gradient_waits_for_the_cost():
    """The gradient."""


@check(points=1, kind="property", hint="the exercise's hint")
def test_own_hint_replaces_the_checks():
    raise fail("w changed", hint="work on a copy")


@check(points=1, kind="correctness", hint="h")
def test_plain_assertion():
    assert 1 == 2, "the loss went up"


@check(points=1, kind="correctness", hint="h")
def test_the_grader_trips():
    {}["missing"]


@check(points=1, kind="performance", hint="h")
def test_skipped_here():
    pytest.skip("no CUDA device on this machine")


@check(points=1, kind="convergence", hint="h")
def test_records_figures(student):
    student.details["curve"] = torch.tensor([2.0, 1.0])
    student.details["final_loss"] = float("inf")


@check(points=1, kind="correctness", hint="h")
def test_draws_inputs(student, rng, seeded):
    student.details["draw"] = torch.randint(0, 1000, (3,), generator=rng)
    student.details["seed"] = seeded(7)


@check(points=3, kind="correctness", hint="h", hidden=True)
def test_hidden_inputs():
    pass
'''

ENCODING_CHECKS = '''
from grader.judge.core import check


@check(points=1, kind="correctness", hint="h")
def test_one_hot_shape():
    pass
'''


class FakeSession:
    """A submission session whose workers are fake: each call returns ``w * x`` of the call's two arguments."""

    def __init__(self) -> None:
        reader, self.writer = os.pipe()
        self.tap = OutputTap(reader)
        self.output_start = None

    def student(self, exercise: catalog.Exercise) -> Student:
        return Student(exercise, lambda: self, timeout_s=1.0)

    def call(self, probe: str, timeout_s: float, **args: Any) -> Reply:
        os.write(self.writer, b"printed while running\n")
        w, x = args["args"]
        return Reply("ok", value={"result": w * x, "calls": []})

    def close(self) -> None:
        os.close(self.writer)
        self.tap.close()


def run_toy_checks(folder: Path, *, include_hidden: bool = False, seed: int = 1,
                   exercises: tuple[str, ...] = ("linear_model",), extra: str = "",
                   on_result: Callable[[CheckResult], None] | None = None) -> GraderPlugin:
    """Run the toy checks under the grader's plugin in this process, as ``run_checks`` does.

    Without the plugins installed beside pytest: pytest-benchmark runs ``git`` as it starts.
    """
    folder.mkdir(exist_ok=True)
    (folder / "pytest.ini").write_text("[pytest]\npython_files = test_*.py\npython_functions = test_*\n")
    (folder / "test_linear_model.py").write_text(TOY_CHECKS + textwrap.dedent(extra))
    (folder / "test_encoding.py").write_text(ENCODING_CHECKS)
    session = FakeSession()
    plugin = GraderPlugin(session, [catalog.find(e) for e in exercises], seed=seed, include_hidden=include_hidden,
                          on_result=on_result)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
            code = pytest.main([*[str(folder / f"test_{e}.py") for e in exercises], "-c", str(folder / "pytest.ini"),
                                "--rootdir", str(folder), "--import-mode=importlib", "-p", "no:cacheprovider",
                                "-p", "no:terminal"], plugins=[plugin])
    finally:
        plugin.close()
        session.close()
        for name, module in list(sys.modules.items()):  # each run imports its own toy checks afresh
            if Path(getattr(module, "__file__", None) or "/").is_relative_to(folder):
                del sys.modules[name]
    assert code == pytest.ExitCode.TESTS_FAILED, code
    return plugin


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> dict[str, CheckResult]:
    plugin = run_toy_checks(tmp_path_factory.mktemp("checks"))
    assert plugin.collection_errors == []
    return {c.name: c for c in plugin.results["linear_model"].checks}


def test_a_check_that_passes_gets_its_points_and_keeps_no_hint(recorded):
    passed = recorded["forward_matches_reference"]
    assert (passed.outcome, passed.points, passed.max_points, passed.hint) == (Outcome.PASSED, 2.0, 2.0, "")
    assert (passed.title, passed.kind, passed.exercise) == ("forward() matches the reference", "correctness",
                                                           "linear_model")


def test_a_failed_verdict_keeps_its_message_its_details_as_plain_data_and_the_checks_hint(recorded):
    failed = recorded["cost_is_the_mean"]
    assert (failed.outcome, failed.points, failed.message) == (Outcome.FAILED, 0.0, "cost() is 3; expected 2")
    assert failed.details == {"got": 3.0, "expected": "nan"}
    assert failed.hint == "divide by the count"


def test_a_verdicts_own_hint_replaces_the_checks(recorded):
    assert recorded["own_hint_replaces_the_checks"].hint == "work on a copy"


def test_a_check_after_one_that_failed_is_skipped_saying_which_to_fix_first(recorded):
    waiting = recorded["gradient_waits_for_the_cost"]
    assert waiting.outcome == Outcome.SKIPPED and waiting.hint == ""
    assert waiting.message.startswith("not scored: 'cost is the mean' did not pass") and "fix it first" in waiting.message


def test_a_plain_assertion_is_a_failure_with_its_message_and_without_the_assert_line(recorded):
    failed = recorded["plain_assertion"]
    assert (failed.outcome, failed.message) == (Outcome.FAILED, "the loss went up")


def test_an_error_of_the_check_itself_is_a_grader_error_that_blames_no_student(recorded):
    error = recorded["the_grader_trips"]
    assert error.outcome == Outcome.GRADER_ERROR and error.points == 0.0
    assert error.message == ("the grader itself failed on this check (KeyError); this is not your fault: "
                             "please report it")


def test_a_skipped_check_says_why_and_counts_for_nothing(recorded):
    skipped = recorded["skipped_here"]
    assert (skipped.outcome, skipped.message, skipped.points) == (Outcome.SKIPPED, "no CUDA device on this machine", 0.0)


def test_what_the_students_code_printed_and_the_checks_figures_reach_the_result(recorded):
    assert recorded["forward_matches_reference"].output == "printed while running\n"
    assert recorded["records_figures"].details == {"curve": [2.0, 1.0], "final_loss": "inf"}


def test_a_public_run_leaves_hidden_checks_out_and_keeps_the_files_order(recorded):
    assert "hidden_inputs" not in recorded
    assert list(recorded) == ["forward_matches_reference", "cost_is_the_mean", "gradient_waits_for_the_cost",
                              "own_hint_replaces_the_checks", "plain_assertion", "the_grader_trips", "skipped_here",
                              "records_figures", "draws_inputs"]


def test_a_public_run_draws_the_same_inputs_whatever_the_seed(tmp_path):
    draws = [{c.name: c for c in run_toy_checks(tmp_path / str(seed), seed=seed).results["linear_model"].checks}
             ["draws_inputs"].details for seed in (1, 2)]
    assert draws[0] == draws[1] and draws[0]["seed"] == 7


def test_a_run_with_hidden_checks_draws_every_input_from_its_seed(tmp_path):
    runs = [run_toy_checks(tmp_path / str(seed), seed=seed, include_hidden=True) for seed in (1, 2, 1)]
    draws = [{c.name: c for c in run.results["linear_model"].checks}["draws_inputs"].details for run in runs]
    assert draws[0] == draws[2] and draws[0]["draw"] != draws[1]["draw"] and draws[0]["seed"] != 7
    assert "hidden_inputs" in {c.name for c in runs[0].results["linear_model"].checks}


def test_a_test_without_check_metadata_is_a_collection_error_and_is_not_run(tmp_path):
    plugin = run_toy_checks(tmp_path, extra="\n\ndef test_forgotten():\n    pass\n")
    assert [e for e in plugin.collection_errors if "test_forgotten has no @check metadata" in e]
    assert "forgotten" not in {c.name for c in plugin.results["linear_model"].checks}


def test_checks_run_exercise_by_exercise_in_the_order_asked_and_each_result_is_handed_on(tmp_path):
    handed_on: list[CheckResult] = []
    plugin = run_toy_checks(tmp_path, exercises=("encoding", "linear_model"), on_result=handed_on.append)
    assert [c.exercise for c in handed_on] == ["encoding"] + ["linear_model"] * 9
    assert handed_on == [c for name in ("encoding", "linear_model") for c in plugin.results[name].checks]


def test_plain_makes_figures_json_safe():
    assert plain({"loss": float("nan"), 3: (1, torch.tensor([0.5])), "device": torch.device("cpu"), "ok": True}) == \
        {"loss": "nan", "3": [1, [0.5]], "device": "cpu", "ok": True}
    assert plain(float("-inf")) == "-inf" and plain(None) is None


def test_a_skip_reason_is_read_from_the_report_without_its_prefix():
    class Report:
        longrepr = ("checks.py", 3, "Skipped: no CUDA device here")

    assert _skip_reason(Report()) == "no CUDA device here"
