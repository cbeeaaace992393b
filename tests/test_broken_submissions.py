"""Submissions that break the machinery get a verdict, and the rest of the run goes on."""

from __future__ import annotations

import time

import pytest
from conftest import SUBMISSIONS

from grader.shared.limits import Limits

BROKEN = SUBMISSIONS / "broken"
TIMEOUT_S = 3.0

#: case -> (a check, the outcome it must get, words its message must contain)
VERDICTS = {
    "syntax_error": ("forward_matches_reference", "error", "syntax error"),
    "missing_function": ("gradient_matches_autograd", "failed", "defines no 'gradient'"),
    "import_raises": ("forward_matches_reference", "error", "importing linear_model.py raised RuntimeError"),
    "sys_exit_at_import": ("forward_matches_reference", "exited", "sys.exit"),
    "os_exit_at_import": ("cost_is_mean_squared_error", "exited", "ended the process"),
    "os_exit_in_call": ("gradient_matches_autograd", "exited", "ended the process"),
    "sys_exit_in_call": ("gradient_matches_autograd", "exited", "sys.exit"),
    "infinite_loop_at_import": ("forward_matches_reference", "timeout", "time limit"),
    "infinite_loop_in_call": ("gradient_matches_autograd", "timeout", "time limit"),
    "sleep_in_call": ("forward_matches_reference", "timeout", "time limit"),
    "returns_none": ("forward_matches_reference", "failed", "returned None"),
    "returns_list": ("forward_matches_reference", "failed", "returned a list"),
    "wrong_shape": ("forward_matches_reference", "failed", "has shape"),
    "wrong_dtype": ("forward_matches_reference", "failed", "dtype torch.float64"),
    "segfault_in_call": ("cost_is_mean_squared_error", "crashed", "SIGSEGV"),
    "keyboard_interrupt_in_call": ("gradient_matches_autograd", "error", "KeyboardInterrupt"),
    "html_in_exception": ("cost_is_mean_squared_error", "error", "<script>alert(1)</script>"),
    "fake_pass_output": ("forward_matches_reference", "failed", "differs"),
}
#: Checks that must still pass in the same run: the damage stays where it was done.
UNHARMED = {
    "missing_function": "forward_matches_reference",
    "os_exit_in_call": "forward_matches_reference",
    "sys_exit_in_call": "cost_is_mean_squared_error",
    "infinite_loop_in_call": "forward_matches_reference",
    "sleep_in_call": "cost_is_mean_squared_error",
    "segfault_in_call": "forward_matches_reference",
    "keyboard_interrupt_in_call": "forward_matches_reference",
    "prints_a_lot": "forward_matches_reference",
}


def test_every_broken_case_on_disk_is_in_the_table():
    assert {p.name for p in BROKEN.iterdir()} == set(VERDICTS) | {"prints_a_lot"}


@pytest.mark.parametrize("case", sorted(set(VERDICTS) | set(UNHARMED)))
def test_a_broken_submission_gets_a_verdict_and_the_run_goes_on(grade, case):
    start = time.monotonic()
    result = grade(BROKEN / case, "linear_model", limits=Limits(call_timeout_s=TIMEOUT_S))
    elapsed = time.monotonic() - start
    checks = {c.name: c for c in result.checks}
    assert len(checks) == 9 and not result.has_grader_error
    if case in VERDICTS:
        name, outcome, words = VERDICTS[case]
        assert (checks[name].outcome, words in checks[name].message) == (outcome, True), checks[name].message
    if case in UNHARMED:
        assert checks[UNHARMED[case]].passed, checks[UNHARMED[case]].message
    # An import that hangs is judged once, not once per check.
    assert elapsed < 6 * TIMEOUT_S + 30


def test_output_is_captured_apart_and_cannot_fake_a_result(grade):
    result = grade(BROKEN / "fake_pass_output", "linear_model")
    forward = {c.name: c for c in result.checks}["forward_matches_reference"]
    assert "PASSED 100/100" in forward.output and not forward.passed
    assert result.points < result.max_points


def test_a_flood_of_output_is_cut_short(grade):
    result = grade(BROKEN / "prints_a_lot", "linear_model")
    forward = {c.name: c for c in result.checks}["forward_matches_reference"]
    assert forward.passed and len(forward.output) < 20_000 and "bytes of output in all" in forward.output
