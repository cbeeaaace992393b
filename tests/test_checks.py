"""Every check, tested both ways: the reference passes it, and a plausible wrong submission fails it
with a message that names the mistake; the stubs fail as "not implemented"; correct submissions
written differently from the reference get full marks.

The submissions live in ``tests/submissions/<exercise>/``: each file's docstring says what is wrong
with it ("Mistake: ...") and which check it must fail, how, and with which words in the message
("Fails: <check> (<outcome>): <words>"; "Fails with CUDA: ..." where only a GPU shows it), or how it
differs from the reference while being right (files named ``correct_*``, docstring "Correct: ...").
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import torch
from conftest import ROOT, SUBMISSIONS, outcomes, submission_with

from grader import catalog
from grader.inventory import checks_of

EXERCISES = [e.name for e in catalog.available()]

FAILS = re.compile(r"^Fails( with CUDA)?: (\w+) \((\w+)\): (.+)$", re.MULTILINE)


def _files(correct: bool) -> list[tuple[str, Path]]:
    return [(e, f) for e in EXERCISES for f in sorted((SUBMISSIONS / e).glob("*.py"))
            if f.stem.startswith("correct_") == correct]


def _mistakes() -> list[tuple[str, Path, bool, str, str, str]]:
    """Each wrong submission with what it declares it must fail: (exercise, file, needs CUDA, check, outcome, words)."""
    found = []
    for exercise, source in _files(correct=False):
        for cuda, check, outcome, words in FAILS.findall(ast.get_docstring(ast.parse(source.read_text())) or ""):
            found.append((exercise, source, bool(cuda), check, outcome, words.strip()))
    return found


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_reference_gets_full_marks(grade, exercise):
    result = grade(ROOT / "solutions", exercise)
    assert {c.name for c in result.checks} == {c.name for c in checks_of(catalog.find(exercise))}
    assert all(c.outcome in ("passed", "skipped") for c in result.checks), outcomes(result)
    assert result.points == result.max_points > 0


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_stubs_are_not_implemented_on_every_check(grade, exercise):
    result = grade(ROOT / "exercises", exercise)
    assert result.points == 0
    for check in result.checks:
        assert check.outcome in ("not_implemented", "skipped"), (check.name, check.outcome, check.message)
        assert check.outcome == "skipped" or "not implemented yet" in check.message
        assert "Traceback" not in check.message


@pytest.mark.parametrize(("exercise", "source"), _files(correct=True), ids=[f"{e}/{f.stem}" for e, f in _files(correct=True)])
def test_a_correct_submission_written_differently_gets_full_marks(grade, tmp_path, exercise, source):
    result = grade(submission_with(tmp_path, exercise, source), exercise)
    assert result.points == result.max_points, {c.name: c.message for c in result.checks if not c.passed}


@pytest.mark.parametrize(("exercise", "source", "cuda", "check_name", "outcome", "words"), _mistakes(),
                         ids=[f"{m[0]}/{m[1].stem}" for m in _mistakes()])
def test_a_wrong_submission_fails_with_a_message_naming_the_mistake(grade, tmp_path, exercise, source, cuda,
                                                                     check_name, outcome, words):
    if cuda and not torch.cuda.is_available():
        pytest.skip("this mistake shows only when the batches live on a GPU")
    result = grade(submission_with(tmp_path, exercise, source), exercise)
    found = {c.name: c for c in result.checks}[check_name]
    assert (found.outcome, words in found.message) == (outcome, True), found.message
    assert not {c.name: c.message for c in result.checks if c.outcome == "grader_error"}
    assert found.points == 0 and found.hint
    assert result.points < result.max_points


def test_every_wrong_submission_declares_the_check_it_fails():
    declared = {source for _, source, *_ in _mistakes()}
    for exercise, source in _files(correct=False):
        docstring = ast.get_docstring(ast.parse(source.read_text())) or ""
        assert docstring.startswith("Mistake: "), source
        assert source in declared, f"{source} has no 'Fails: <check> (<outcome>): <words>' line"
