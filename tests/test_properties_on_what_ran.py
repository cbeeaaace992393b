"""A property is judged on the functions that ran: one function's crash is charged by its own checks, not again."""

from __future__ import annotations

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

CRASHING_SGD = '''

def sgd(xs, ys, w0, lr, epochs):
    raise IndexError("list index out of range")
'''


def test_a_crash_in_sgd_is_not_charged_to_the_properties_of_the_other_functions(grade, tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "linear_model.py").write_text((ROOT / "solutions" / "linear_model.py").read_text() + CRASHING_SGD)
    checks = {c.name: c for c in grade(folder, "linear_model").checks}
    assert checks["sgd_matches_reference_on_the_notes_data"].outcome == "error"
    assert checks["inputs_are_not_modified"].outcome == "passed"
    assert checks["gradient_does_not_use_autograd"].outcome == "passed"


def test_where_no_function_ran_the_property_gets_the_first_failure(grade, tmp_path):
    result = grade(ROOT / "exercises", "linear_model")  # the stubs
    checks = {c.name: c for c in result.checks}
    assert checks["inputs_are_not_modified"].outcome == "not_implemented"
    assert checks["gradient_does_not_use_autograd"].outcome == "not_implemented"
