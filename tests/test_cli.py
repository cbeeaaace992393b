"""The ``grader`` command as a student and CI use it: output, reports, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, SUBMISSIONS, submission_with
from junit_xsd import assert_valid_junit

from grader import schemas


def grader(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())})


@pytest.mark.slow
def test_grading_the_reference_exits_0_and_writes_the_reports(tmp_path):
    run = grader("check", "linear_model", "--submission", "solutions", "--out", str(tmp_path),
                 "--junit-xml", str(tmp_path / "junit.xml"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Total: 10/10 points" in run.stdout  # the public checks only
    results = json.loads((tmp_path / "results.json").read_text())
    schemas.validate("results", results)
    assert results["schema_version"] == 1 and results["exercises"][0]["name"] == "linear_model"
    assert "<html" in (tmp_path / "report.html").read_text()
    assert_valid_junit(tmp_path / "junit.xml")
    suites = ET.parse(tmp_path / "junit.xml").getroot()
    assert suites.find("testsuite").get("failures") == "0"


#: Runs `grader check ARGS` until it starts its first zygote, and says whether torch was imported by then.
ZYGOTE_BEFORE_TORCH = """
import os, sys
import grader.check.parallel, grader.cli
def start_launcher(wait=True):
    print('torch' in sys.modules, flush=True)
    os._exit(0)
grader.cli.start_launcher = grader.check.parallel.start_launcher = start_launcher
grader.cli.main(['check', *sys.argv[1:], '--submission', 'solutions'])
"""


@pytest.mark.slow
@pytest.mark.parametrize("args", [["linear_model"], [], ["linear_model", "encoding"], ["no_such_exercise"]],
                         ids=["one exercise", "the course", "two exercises", "a refused request"])
def test_grader_check_starts_its_zygote_before_it_imports_torch(args):
    """The zygote's torch import runs beside the CLI's, not after it (a cold check is one import long)."""
    run = subprocess.run([sys.executable, "-c", ZYGOTE_BEFORE_TORCH, *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.stdout.strip() == "False", run.stdout + run.stderr


@pytest.mark.slow
def test_grading_the_stubs_exits_1_and_says_not_implemented(tmp_path):
    run = grader("check", "linear_model", "--out", str(tmp_path))
    assert run.returncode == 1
    assert "not implemented yet" in run.stdout and "Traceback" not in run.stdout + run.stderr


@pytest.mark.slow
def test_an_unknown_exercise_exits_2_with_a_suggestion(tmp_path):
    run = grader("check", "resnt", "--out", str(tmp_path))
    assert run.returncode == 2
    assert "No exercise named 'resnt'. Did you mean 'resnet'? See 'grader list'." in run.stdout


@pytest.mark.slow
def test_a_missing_submission_folder_exits_2(tmp_path):
    run = grader("check", "--submission", str(tmp_path / "nowhere"), "--out", str(tmp_path))
    assert run.returncode == 2 and "No submission folder" in run.stdout


@pytest.mark.slow
def test_a_bad_option_exits_2(tmp_path):
    assert grader("check", "--no-such-option").returncode == 2


@pytest.mark.slow
def test_a_failing_submission_shows_the_reason_and_the_hint(tmp_path):
    folder = submission_with(tmp_path, "linear_model", SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py")
    run = grader("check", "linear_model", "--submission", str(folder), "--out", str(tmp_path / "out"))
    assert run.returncode == 1
    assert "leaving out the factor 2" in run.stdout and "keep the 2" in run.stdout


@pytest.mark.slow
def test_list_shows_every_exercise_with_its_points():
    run = grader("list")
    assert run.returncode == 0
    for name in ("linear_model", "encoding", "convnet", "resnet", "evaluation"):
        assert name in run.stdout


@pytest.mark.slow
def test_bench_prints_each_object_with_its_ratio():
    run = grader("bench", "encoding", "--submission", "solutions", "--rounds", "3", "--device", "all")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "one_hot" in run.stdout and "ratio" in run.stdout
    assert "cuda" in run.stdout  # measured, or skipped with the reason


@pytest.mark.slow
def test_bench_of_an_unknown_exercise_exits_2():
    assert grader("bench", "resnt").returncode == 2


def test_a_check_the_grader_fails_on_exits_3_and_names_the_log_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import grader.cli
    from grader.results import CheckResult, ExerciseResult, RunResult

    broken = CheckResult(exercise="linear_model", name="forward_matches_reference", title="forward", kind="correctness",
                         hidden=False, max_points=2.0, points=0.0, outcome="grader_error",
                         message="the grader itself failed on this check (KeyError); this is not your fault")
    result = RunResult(submission=str(tmp_path), started_at="2025-01-01T00:00:00+00:00", duration_s=1.0,
                       grader_version="test", seed=0, include_hidden=False, isolation="fork",
                       exercises=[ExerciseResult(name="linear_model", title="A linear model", checks=[broken])])
    monkeypatch.setattr(grader.cli, "start_grading", lambda *_: None)
    monkeypatch.setattr(grader.cli, "run_checks", lambda request, **_: result)
    run = CliRunner().invoke(grader.cli.main, ["check", "--out", str(tmp_path), "--format", "terminal"])
    assert run.exit_code == 3
    assert f"Details are in {grader.cli._log_file()}" in " ".join(run.output.split())
