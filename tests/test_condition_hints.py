"""A check that judges several conditions gives the hint of the one that failed."""

from __future__ import annotations

import pytest
from conftest import ROOT

from grader.judge.core import Verdict, fail, hinting


def test_hinting_gives_a_verdict_the_hint_of_its_condition():
    with pytest.raises(Verdict) as raised, hinting("the penalty's hint"):
        raise fail("l2_penalty is wrong")
    assert raised.value.hint == "the penalty's hint"
    with pytest.raises(Verdict) as raised, hinting("outer"):
        raise fail("wrong", hint="inner")
    assert raised.value.hint == "inner"  # the innermost condition's hint wins


@pytest.mark.slow
def test_a_wrong_penalty_gets_the_penalty_hint_in_the_check_of_other_widths(grade, tmp_path):
    from grader.checks.test_regularization import PENALTY_HINT

    folder = tmp_path / "submission"
    folder.mkdir()
    wrong_penalty = ("\n\ndef l2_penalty(model):\n"
                     "    return sum(p.pow(2).sum() for n, p in model.named_parameters() if n.endswith('weight'))\n")
    (folder / "regularization.py").write_text((ROOT / "solutions" / "regularization.py").read_text() + wrong_penalty)
    result = grade(folder, "regularization")
    check = {c.name: c for c in result.checks}["networks_of_other_widths_match_the_reference"]
    assert check.outcome == "failed" and "l2_penalty" in check.message
    assert check.hint == PENALTY_HINT and "l2_penalty" in check.title
