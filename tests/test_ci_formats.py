"""``grader check --format``: JSON, JUnit, Markdown and GitHub output on a passing and a failing run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml

from conftest import ROOT, SUBMISSIONS, submission_with
from grader.render.formats import default_format, publish_to_github, render_document
from grader.render.github import escape_data, escape_property, render_annotations
from grader.render.markdown import render_markdown
from grader.results import CheckResult, ExerciseResult, RunResult

HOSTILE = "<img src=x onerror=alert(1)> [click](http://evil) | col %0A\r\n::error file=x::forged"
STUDENT_MODULE = '''"""A student's encoding module."""
import torch


def helper():
    pass


def one_hot(target, num_classes):
    return torch.zeros(len(target), num_classes)


def one_hot_along(indices, num_classes, dim):
    raise NotImplementedError
'''


def _check(name: str, outcome: str, points: float, **fields) -> CheckResult:
    values = dict(exercise="encoding", name=name, title=name.replace("_", " "), kind="correctness", hidden=False,
                  max_points=2.0, points=points, outcome=outcome, duration_s=0.5)
    values.update(fields)
    return CheckResult(**values)


def _run(submission: Path, checks: list[CheckResult]) -> RunResult:
    return RunResult(submission=str(submission), started_at="2025-01-01T00:00:00+00:00", duration_s=1.0,
                     grader_version="test", seed=0, include_hidden=False, isolation="fork",
                     exercises=[ExerciseResult(name="encoding", title="One-hot encoding", checks=checks)])


@pytest.fixture
def passing(tmp_path: Path) -> RunResult:
    return _run(tmp_path, [_check("one_hot_matches_reference", "passed", 2.0),
                           _check("one_hot_along_matches_reference", "passed", 2.0)])


@pytest.fixture
def failing(tmp_path: Path) -> RunResult:
    (tmp_path / "encoding.py").write_text(STUDENT_MODULE)
    return _run(tmp_path, [
        _check("one_hot_matches_reference", "failed", 0.0, message=HOSTILE + "\nmore", hint="Use scatter_ on dim 1."),
        _check("one_hot_along_matches_reference", "not_implemented", 0.0, message="one_hot_along(): not implemented yet",
               hint="Put the class axis at dim."),
        _check("one_hot_throughput", "skipped", 0.0, kind="performance", message="no reference here"),
        _check("one_hot_is_float", "passed", 2.0),
    ])


def test_json_round_trips_on_a_passing_and_a_failing_run(passing: RunResult, failing: RunResult) -> None:
    for result in (passing, failing):
        assert RunResult.from_dict(json.loads(render_document(result, "json"))) == result


def test_junit_is_read_by_a_junit_consumer_on_a_passing_and_a_failing_run(passing: RunResult, failing: RunResult,
                                                                          tmp_path: Path) -> None:
    for name, result, failures in (("pass", passing, 0), ("fail", failing, 2)):
        path = tmp_path / f"{name}.xml"
        path.write_text(render_document(result, "junit"))
        suite = next(iter(JUnitXml.fromfile(str(path))))
        cases = list(suite)
        assert suite.tests == len(result.checks) and suite.failures == failures and suite.errors == 0
        verdicts = {case.name: [type(r).__name__ for r in case.result] for case in cases}
        if failures:
            assert verdicts["one_hot_matches_reference"] == [Failure.__name__]
            assert verdicts["one_hot_throughput"] == ["Skipped"]
            assert verdicts["one_hot_is_float"] == []
            assert not any(Error.__name__ in v for v in verdicts.values())
        else:
            assert all(v == [] for v in verdicts.values())


def test_markdown_summarises_each_check_and_escapes_student_text(passing: RunResult, failing: RunResult) -> None:
    assert "✅ all passed" in render_markdown(passing) and "4/4 points" in render_markdown(passing)
    page = render_markdown(failing)
    assert "2/6 points — 1 of 3 checks passed" in page
    assert "<img" not in page and "&lt;img" in page  # no HTML reaches the page
    assert "[click](http" not in page and "\\[click\\]\\(http" in page  # no link
    row = next(line for line in page.splitlines() if "one hot matches reference" in line)
    assert row.count(" | ") == 4  # the student's '|' opened no column
    assert "Use scatter\\_ on dim 1\\." in row
    assert "⏭️" in page and "not implemented yet" in page


def test_annotations_point_at_the_students_function_and_escape_the_message(failing: RunResult, tmp_path: Path) -> None:
    lines = render_annotations(failing, workspace=tmp_path.parent).splitlines()
    assert len(lines) == 2  # one per failing check: not for the passed or the skipped one
    folder = tmp_path.name
    assert lines[0].startswith(f"::error file={folder}/encoding.py,line=9,title=encoding%3A one hot matches reference")
    assert lines[1].startswith(f"::error file={folder}/encoding.py,line=13,")
    message = lines[0].split("::", 2)[2]
    assert "\n" not in message and "\r" not in message
    assert message.startswith("<img src=x onerror=alert(1)> [click](http://evil) | col %250A\\x0d%0A::error file=x::forged")
    assert message.endswith("forged%0Amore%0AHint: Use scatter_ on dim 1.")


def test_an_annotation_without_a_module_or_a_definition_goes_on_line_1(failing: RunResult, tmp_path: Path) -> None:
    (tmp_path / "encoding.py").write_text("def unrelated(:\n")
    assert all(",line=1," in line for line in render_annotations(failing, workspace=tmp_path).splitlines())


def test_workflow_command_escapes() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_format_writes_the_step_summary_and_is_the_default_in_actions(failing: RunResult, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    out = tmp_path / "stdout.txt"
    with out.open("w") as stream:
        written = publish_to_github(failing, {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(tmp_path)},
                                    stream)
    assert written == summary
    assert summary.read_text().startswith("earlier step\n## Grader: 2/6 points")
    assert out.read_text().count("::error file=encoding.py,line=") == 2
    assert default_format({"GITHUB_ACTIONS": "true"}) == "github" and default_format({}) == "terminal"


def _grader(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(Path.home()),
                                            **(env or {})})


@pytest.mark.slow
def test_check_in_github_actions_annotates_the_failing_function_and_exits_1(tmp_path: Path) -> None:
    submission = submission_with(tmp_path, "encoding", SUBMISSIONS / "encoding" / "off_by_one.py")
    summary = tmp_path / "summary.md"
    run = _grader("check", "encoding", "--submission", str(submission), "--out", str(tmp_path / "reports"),
                  env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(tmp_path)})
    assert run.returncode == 1
    source = (submission / "encoding.py").read_text().splitlines()
    line = next(i for i, text in enumerate(source, start=1) if text.startswith("def one_hot("))
    annotations = [a for a in run.stdout.splitlines() if a.startswith("::error ")]
    assert annotations and any(f"file={submission.name}/encoding.py,line={line}," in a for a in annotations)
    assert "| ❌ |" in summary.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("output_format", ["json", "junit", "markdown"])
def test_document_formats_print_only_the_document(output_format: str, tmp_path: Path) -> None:
    passing = _grader("check", "images", "--submission", "solutions", "--format", output_format,
                      "--out", str(tmp_path / "pass"))
    failing = _grader("check", "images", "--format", output_format, "--out", str(tmp_path / "fail"))
    assert (passing.returncode, failing.returncode) == (0, 1)
    if output_format == "json":
        assert RunResult.from_dict(json.loads(passing.stdout)).all_passed
        assert not RunResult.from_dict(json.loads(failing.stdout)).all_passed
    elif output_format == "junit":
        for run, failures in ((passing, False), (failing, True)):
            (tmp_path / "j.xml").write_text(run.stdout)
            suite = next(iter(JUnitXml.fromfile(str(tmp_path / "j.xml"))))
            assert (suite.failures > 0) is failures
    else:
        assert passing.stdout.startswith("## Grader:") and "✅ all passed" in passing.stdout
        assert failing.stdout.startswith("## Grader:") and "not implemented yet" in failing.stdout
