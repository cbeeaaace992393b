"""The gradebook: runs appended and never changed, and a batch killed at any moment resumes without loss or duplicates."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SUBMISSIONS
from processes import alive, descendants

from grader.grade.gradebook import FILE_NAME, Gradebook, GradebookError
from grader.results import CheckResult, ExerciseResult, RunResult


def _result(points: float, outcome: str = "passed") -> RunResult:
    check = CheckResult(exercise="linear_model", name="forward_matches_reference", title="forward", kind="correctness",
                        hidden=False, max_points=2.0, points=points, outcome=outcome)
    return RunResult(submission="alice", started_at="2026-01-01T00:00:00+00:00", duration_s=1.0, grader_version="t",
                     seed=1, include_hidden=True, isolation="fork",
                     exercises=[ExerciseResult(name="linear_model", title="Gradient by hand", checks=[check])])


@pytest.fixture
def gradebook(tmp_path):
    book = Gradebook(tmp_path / FILE_NAME)
    yield book
    book.close()


def test_a_run_is_stored_whole_and_read_back_as_the_results_model(gradebook):
    batch = gradebook.start_batch(Path("subs"), 7, {"exercises": ["linear_model"]}, "t")
    gradebook.record(batch.id, "alice", "alice.zip", "abc", "graded", _result(2.0))
    (run,) = gradebook.latest_runs()
    assert (run.student, run.source, run.content_hash, run.status, run.batch_id) == ("alice", "alice.zip", "abc",
                                                                                      "graded", batch.id)
    assert run.result == _result(2.0)


def test_a_regrade_is_appended_and_the_latest_run_is_the_one_shown(gradebook):
    first = gradebook.start_batch(Path("subs"), 7, {}, "t")
    gradebook.record(first.id, "alice", "alice", "abc", "graded", _result(0.0, "failed"))
    second = gradebook.start_batch(Path("subs"), 8, {}, "t")
    gradebook.record(second.id, "alice", "alice", "def", "graded", _result(2.0))
    assert [r.result.points for r in gradebook.history("alice")] == [0.0, 2.0]
    assert [r.result.points for r in gradebook.latest_runs()] == [2.0]
    assert gradebook.last_batch().id == second.id


def test_runs_and_checks_can_be_neither_changed_nor_deleted(gradebook, tmp_path):
    batch = gradebook.start_batch(Path("subs"), 7, {}, "t")
    gradebook.record(batch.id, "alice", "alice", "abc", "graded", _result(0.0, "failed"))
    db = sqlite3.connect(tmp_path / FILE_NAME)
    for statement in ("UPDATE runs SET points = 2", "DELETE FROM runs", "UPDATE checks SET outcome = 'passed'",
                      "DELETE FROM checks"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)
    db.close()


def test_a_submission_is_recorded_once_per_batch(gradebook):
    batch = gradebook.start_batch(Path("subs"), 7, {}, "t")
    gradebook.record(batch.id, "alice", "alice", "abc", "graded", _result(2.0))
    with pytest.raises(sqlite3.IntegrityError):
        gradebook.record(batch.id, "alice", "alice", "abc", "graded", _result(2.0))
    assert len(gradebook.runs_in(batch.id)) == 1 and gradebook.graded_in(batch.id) == {("alice", "abc")}


def test_a_gradebook_of_another_schema_is_refused_with_the_way_out(tmp_path):
    db = sqlite3.connect(tmp_path / FILE_NAME)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(GradebookError, match="schema 99.*another --out folder"):
        Gradebook(tmp_path / FILE_NAME)


def test_a_file_that_is_no_database_is_refused(tmp_path):
    (tmp_path / FILE_NAME).write_bytes(b"not a database at all" * 100)
    with pytest.raises(GradebookError, match="not a gradebook"):
        Gradebook(tmp_path / FILE_NAME)


# ----------------------------------------------------------------------------- kill -9 and --resume


def _class(folder: Path, size: int) -> Path:
    folder.mkdir()
    for number in range(size):
        (folder / f"student{number:02d}").mkdir()
        source = SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py" if number % 3 == 0 \
            else ROOT / "solutions" / "linear_model.py"
        shutil.copy(source, folder / f"student{number:02d}" / "linear_model.py")
    return folder


def _grade(*args: str) -> list[str]:
    return [sys.executable, "-m", "grader.cli", "grade", *args, "--exercise", "linear_model", "--workers", "1",
            "--timeout", "5", "--seed", "11"]


def _runs(out: Path) -> list[tuple[int, str, str]]:
    if not (out / FILE_NAME).exists():
        return []
    db = sqlite3.connect(f"file:{out / FILE_NAME}?mode=ro", uri=True)
    try:
        return db.execute("SELECT id, student, finished_at FROM runs ORDER BY id").fetchall()
    except sqlite3.OperationalError:  # the schema is not written yet
        return []
    finally:
        db.close()


@pytest.mark.slow
def test_a_batch_killed_with_sigkill_resumes_without_losing_or_duplicating_a_run(tmp_path):
    submissions, out = _class(tmp_path / "class", 8), tmp_path / "out"
    batch = subprocess.Popen(_grade(str(submissions), "--out", str(out)), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while len(_runs(out)) < 3 and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    family = descendants(batch.pid)
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    before_resume = _runs(out)
    assert 3 <= len(before_resume) < 8, "the batch should be killed half-way"
    # Its grading process, zygote and workers die with it.
    deadline = time.monotonic() + 30
    while any(alive(p) for p in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert family and not any(alive(p) for p in family)

    resumed = subprocess.run(_grade(str(submissions), "--out", str(out), "--resume"), cwd=ROOT,
                             capture_output=True, text=True, timeout=400)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"{len(before_resume)} already graded, {8 - len(before_resume)} graded now" in " ".join(resumed.stdout.split())
    after = _runs(out)
    assert after[: len(before_resume)] == before_resume  # nothing lost, nothing rewritten
    assert sorted(student for _, student, _ in after) == [f"student{n:02d}" for n in range(8)]  # nothing twice
    book = Gradebook(out / FILE_NAME)
    assert {run.batch_id for run in book.latest_runs()} == {1}
    assert [run.result.points for run in book.latest_runs()] == [7.0 if n % 3 == 0 else 12.0 for n in range(8)]
    book.close()
    assert (out / "grades.csv").read_text().count("\n") == 9 and (out / "report.html").exists()


@pytest.mark.slow
def test_a_batch_killed_before_its_first_result_leaves_a_readable_gradebook(tmp_path):
    submissions, out = _class(tmp_path / "class", 2), tmp_path / "out"
    batch = subprocess.Popen(_grade(str(submissions), "--out", str(out)), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (out / FILE_NAME).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    assert _runs(out) == []
    book = Gradebook(out / FILE_NAME)  # whole and readable
    assert book.latest_runs() == []
    book.close()
