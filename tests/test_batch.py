"""Batch grading: a class graded in parallel into the gradebook, resumed, regraded, and robust to its own processes dying."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SUBMISSIONS
from hostile_archives import zip_slip
from junit_xsd import assert_valid_junit

import grader.grade.batch
from grader import schemas
from grader.check.run import UsageError
from grader.grade.batch import BatchRequest, Submission, _judged, grade_batch
from grader.grade.gradebook import FILE_NAME, Batch, Gradebook
from grader.grade.pool import Job, JobDone
from grader.results import CheckResult
from grader.shared.limits import Limits

REFERENCE = ROOT / "solutions" / "linear_model.py"
WRONG = SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py"  # 7 of 12 points


def _student(folder: Path, name: str, source: Path = REFERENCE) -> None:
    (folder / name).mkdir(parents=True)
    shutil.copy(source, folder / name / "linear_model.py")


def _request(submissions: Path, out: Path, **options) -> BatchRequest:
    return BatchRequest(submissions, out, exercises=["linear_model"], seed=5, limits=Limits(call_timeout_s=10),
                        **options)


@pytest.fixture
def classroom(tmp_path) -> Path:
    """alice right, bob wrong, carol right as a zip of her folder, dave a zip slip, and a stray file."""
    folder = tmp_path / "submissions"
    _student(folder, "alice")
    _student(folder, "bob", WRONG)
    with zipfile.ZipFile(folder / "carol.zip", "w") as archive:
        archive.write(REFERENCE, "carol/linear_model.py")
    zip_slip(folder / "dave.zip")
    (folder / "notes.txt").write_text("grade these by Friday")
    return folder


def _points(out: Path) -> dict[str, float]:
    book = Gradebook(out / FILE_NAME)
    try:
        return {run.student: run.result.points for run in book.latest_runs()}
    finally:
        book.close()


def test_a_class_is_graded_into_the_gradebook_with_its_exports(grading_pool, classroom, tmp_path):
    events = []
    summary = grade_batch(_request(classroom, tmp_path / "out"), on_progress=events.append, pool=grading_pool)
    assert summary.statuses == {"graded": 3, "rejected": 1} and summary.found == 4
    assert summary.skipped == ["notes.txt: not a folder or a .zip archive"]
    assert _points(tmp_path / "out") == {"alice": 12.0, "bob": 7.0, "carol": 12.0, "dave": 0.0}
    assert [(e.done, e.total) for e in events] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert {e.student: e.status for e in events[1:]}["dave"] == "rejected"
    rows = (tmp_path / "out" / "grades.csv").read_text().splitlines()
    assert rows[0].startswith("student,status,points,max_points,percent,linear_model points")
    assert rows[3].startswith("carol,graded,12,12,100,12,carol.zip,")
    for path in summary.outputs.values():
        assert path.exists()
    assert not (tmp_path / "out" / ".staging").exists()
    schemas.validate("gradebook", json.loads((tmp_path / "out" / "gradebook.json").read_text()))
    for folder in (tmp_path / "out" / "students").iterdir():
        schemas.validate("results", json.loads((folder / "results.json").read_text()))
        schemas.validate("gradescope", json.loads((tmp_path / "out" / "gradescope" / folder.name / "results.json")
                                                  .read_text()))
        assert_valid_junit(folder / "junit.xml")


def test_resume_grades_only_what_the_batch_has_no_run_for(grading_pool, classroom, tmp_path):
    out = tmp_path / "out"
    first = grade_batch(_request(classroom, out), pool=grading_pool)
    _student(classroom, "erin")
    shutil.copy(REFERENCE, classroom / "bob" / "linear_model.py")  # bob fixed his code
    again = grade_batch(_request(classroom, out, resume=True), pool=grading_pool)
    assert again.resumed and again.batch_id == first.batch_id
    assert (again.found, again.already_graded, again.graded_now) == (5, 3, 2)
    assert _points(out)["bob"] == 12.0 and _points(out)["erin"] == 12.0
    nothing_left = grade_batch(_request(classroom, out, resume=True), pool=grading_pool)
    assert nothing_left.graded_now == 0 and nothing_left.already_graded == 5


def test_regrading_one_student_is_a_new_batch_kept_beside_the_earlier_runs(grading_pool, classroom, tmp_path):
    out = tmp_path / "out"
    grade_batch(_request(classroom, out), pool=grading_pool)
    shutil.copy(REFERENCE, classroom / "bob" / "linear_model.py")
    regrade = grade_batch(_request(classroom, out, students=["bob"]), pool=grading_pool)
    assert regrade.batch_id == 2 and regrade.statuses == {"graded": 1}
    book = Gradebook(out / FILE_NAME)
    assert [run.result.points for run in book.history("bob")] == [7.0, 12.0]
    assert len(book.latest_runs()) == 4
    book.close()
    assert "bob,graded,12,12,100" in (out / "grades.csv").read_text()


def test_a_grading_process_that_dies_is_replaced_and_its_submission_graded_once(grading_pool, tmp_path):
    submissions = tmp_path / "submissions"
    for name in ("slow1", "slow2"):
        _student(submissions, name)
        with open(submissions / name / "linear_model.py", "a") as module:
            # slow to import, so the kill lands mid-grading; the name keeps the two apart (identical ones share a job)
            module.write(f"\nimport time\ntime.sleep(3)  # {name}\n")
    killer = threading.Timer(1.5, lambda: [subprocess.run(["kill", "-9", str(pid)]) for pid in grading_pool.pids])
    killer.start()
    summary = grade_batch(_request(submissions, tmp_path / "out"), pool=grading_pool)
    killer.join()
    assert summary.statuses == {"graded": 2}
    assert _points(tmp_path / "out") == {"slow1": 12.0, "slow2": 12.0}
    book = Gradebook(tmp_path / "out" / FILE_NAME)
    assert len(book.runs_in(summary.batch_id)) == 2
    book.close()


def test_a_submission_the_grader_could_not_finish_keeps_its_finished_checks_and_says_why(tmp_path):
    done = CheckResult(exercise="linear_model", name="forward_matches_reference", title="forward", kind="correctness",
                       hidden=False, max_points=1.0, points=1.0, outcome="passed")
    submission = Submission("zoe", tmp_path / "zoe", "0" * 64)
    job = Job("zoe", tmp_path, ["linear_model"], True, 1, Limits(), 10.0)
    status, result = _judged(JobDone(job, None, "the grading process ended (signal SIGKILL)", [done]), submission,
                             Batch(1, "", "", 7, {}), ["linear_model"], True)
    assert status == "failed" and result.points == 1.0 and result.max_points == 12.0
    rest = [c for c in result.checks if c.name != "forward_matches_reference"]
    assert {c.outcome for c in rest} == {"grader_error"}
    assert all("SIGKILL" in c.message and "not the student's fault" in c.message for c in rest)


def test_usage_errors_say_what_is_wrong(grading_pool, classroom, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(UsageError, match="No submissions folder"):
        grade_batch(_request(tmp_path / "nowhere", out), pool=grading_pool)
    with pytest.raises(UsageError, match="Did you mean 'resnet'"):
        grade_batch(BatchRequest(classroom, out, exercises=["resnt"]), pool=grading_pool)
    with pytest.raises(UsageError, match="No submission of 'alcie'.*Did you mean 'alice'"):
        grade_batch(_request(classroom, out, students=["alcie"]), pool=grading_pool)
    _student(classroom, "carol")
    with pytest.raises(UsageError, match="Two submissions for 'carol'"):
        grade_batch(_request(classroom, out), pool=grading_pool)


def test_two_batches_cannot_write_one_gradebook_at_once(grading_pool, classroom, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(UsageError, match="Another 'grader grade' is writing"):
            grade_batch(_request(classroom, out), pool=grading_pool)


@pytest.mark.slow
def test_the_grade_command_exits_2_on_a_usage_error(tmp_path):
    run = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(tmp_path / "nowhere"), "--out",
                          str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "No submissions folder" in run.stdout



def test_a_submission_that_cannot_be_read_or_staged_is_that_students_verdict_and_resume_goes_on(
        grading_pool, tmp_path, monkeypatch):
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    for name in ("unreadable", "unstageable"):
        _student(submissions, name)
    zip_slip(submissions / "dave.zip")
    hash_of = grader.grade.batch.content_hash
    stage = grader.grade.batch.stage

    def failing_hash(path, limits):
        if path.name == "unreadable":
            raise OSError(5, "Input/output error", str(path))
        return hash_of(path, limits)

    def failing_stage(source, target, limits):
        if source.name == "unstageable":
            raise RecursionError("maximum recursion depth exceeded")
        return stage(source, target, limits)

    monkeypatch.setattr(grader.grade.batch, "content_hash", failing_hash)
    monkeypatch.setattr(grader.grade.batch, "stage", failing_stage)
    summary = grade_batch(_request(submissions, out), pool=grading_pool)
    assert summary.statuses == {"failed": 2, "rejected": 1}
    book = Gradebook(out / FILE_NAME)
    runs = {run.student: run for run in book.latest_runs()}
    book.close()
    assert "OSError: [Errno 5] Input/output error" in runs["unreadable"].result.warnings[0]
    assert "RecursionError" in runs["unstageable"].result.warnings[0]
    assert {c.outcome for c in runs["unstageable"].result.checks} == {"grader_error"}
    again = grade_batch(_request(submissions, out, resume=True), pool=grading_pool)
    assert (again.found, again.already_graded, again.graded_now) == (3, 3, 0)
    assert not (out / ".staging").exists()


def test_a_name_that_is_not_utf_8_is_kept_with_its_bytes_shown(grading_pool, tmp_path):
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    submissions.mkdir()
    zip_slip(Path(os.fsdecode(os.fsencode(submissions) + b"/caf\xe9.zip")))
    summary = grade_batch(_request(submissions, out), pool=grading_pool)
    assert summary.statuses == {"rejected": 1}
    assert "caf\\xe9,rejected," in (out / "grades.csv").read_text()
