"""What a student's module prints when it is imported is shown, like what it prints in a call."""

from __future__ import annotations

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def _submission(tmp_path, source: str):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "linear_model.py").write_text(source)
    return folder


def test_output_at_import_is_shown_once_with_the_first_check(grade, tmp_path):
    reference = (ROOT / "solutions" / "linear_model.py").read_text()
    result = grade(_submission(tmp_path, reference + '\nprint("training at import: loss 0.25")\n'), "linear_model")
    shown = [c.name for c in result.checks if "training at import: loss 0.25" in c.output]
    assert shown == [result.checks[0].name]
    assert result.points == result.max_points


def test_output_before_an_import_that_fails_is_shown_with_its_verdict(grade, tmp_path):
    result = grade(_submission(tmp_path, 'print("about to fail")\nraise RuntimeError("no data file")\n'), "linear_model")
    assert {c.outcome for c in result.checks} == {"error"}
    assert all("about to fail" in c.details.get("printed_at_import", "") for c in result.checks)
