"""The gradebook's store: what it refuses, what one record writes (all or nothing), and what a resumed batch reads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from grader.grade.gradebook import FILE_NAME, Gradebook
from grader.results import CheckResult, ExerciseResult, RunResult


def result(*outcomes: str, student: str = "alice") -> RunResult:
    checks = [CheckResult(exercise="linear_model", name=f"check_{i}", title=f"check {i}", kind="correctness",
                          hidden=i % 2 == 1, max_points=1.0, points=1.0 if o == "passed" else 0.0, outcome=o)
              for i, o in enumerate(outcomes)]
    return RunResult(submission=student, started_at="2026-01-01T00:00:00+00:00", duration_s=1.0, grader_version="t",
                     seed=1, include_hidden=True, isolation="fork",
                     exercises=[ExerciseResult(name="linear_model", title="Gradient by hand", checks=checks)])


@pytest.fixture
def book(tmp_path: Path):
    opened = Gradebook(tmp_path / FILE_NAME)
    yield opened
    opened.close()


def rows(path: Path, query: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def test_a_new_gradebook_has_no_batch(book):
    assert book.last_batch() is None and book.latest_runs() == []


def test_a_batch_keeps_its_seed_and_options_for_a_resume(book, tmp_path: Path):
    started = book.start_batch(Path("submissions"), 42, {"exercises": ["encoding"], "timeout": 2.5}, "1.0")
    book.close()
    reopened = Gradebook(tmp_path / FILE_NAME)
    try:
        assert reopened.last_batch() == started
        assert (started.seed, started.options, started.submissions_dir) == (42, {"exercises": ["encoding"], "timeout": 2.5},
                                                                            "submissions")
    finally:
        reopened.close()


def test_a_run_of_an_unknown_status_is_refused_naming_the_statuses(book):
    batch = book.start_batch(Path("s"), 1, {}, "t")
    with pytest.raises(ValueError, match=r"status must be one of \('graded', 'rejected', 'failed'\), not 'done'"):
        book.record(batch.id, "alice", "alice", "h", "done", result("passed"))
    assert book.runs_in(batch.id) == []


def test_each_check_is_a_row_beside_the_stored_result(book, tmp_path: Path):
    batch = book.start_batch(Path("s"), 1, {}, "t")
    run_id = book.record(batch.id, "alice", "alice.zip", "h", "graded", result("passed", "timeout", "skipped"))
    assert rows(tmp_path / FILE_NAME, "SELECT run_id, name, hidden, outcome, points FROM checks ORDER BY name") == [
        (run_id, "check_0", 0, "passed", 1.0), (run_id, "check_1", 1, "timeout", 0.0),
        (run_id, "check_2", 0, "skipped", 0.0)]
    assert rows(tmp_path / FILE_NAME, "SELECT points, max_points, status FROM runs") == [(1.0, 2.0, "graded")]


def test_a_run_whose_checks_cannot_be_written_leaves_nothing_behind(book, tmp_path: Path):
    batch = book.start_batch(Path("s"), 1, {}, "t")
    twice = result("passed", "passed")
    twice.exercises[0].checks[1].name = "check_0"  # two checks of one name: the second row is refused
    with pytest.raises(sqlite3.IntegrityError):
        book.record(batch.id, "alice", "alice", "h", "graded", twice)
    assert book.runs_in(batch.id) == [] and rows(tmp_path / FILE_NAME, "SELECT * FROM checks") == []
    book.record(batch.id, "alice", "alice", "h", "graded", result("passed"))  # and the gradebook goes on
    assert len(book.runs_in(batch.id)) == 1


def test_a_resumed_batch_knows_exactly_which_submissions_it_graded(book):
    first = book.start_batch(Path("s"), 1, {}, "t")
    book.record(first.id, "alice", "alice", "h1", "graded", result("passed"))
    book.record(first.id, "bob", "bob.zip", "h2", "rejected", result())
    second = book.start_batch(Path("s"), 2, {}, "t")
    book.record(second.id, "alice", "alice", "h3", "graded", result("failed"))
    assert book.graded_in(first.id) == {("alice", "h1"), ("bob", "h2")}
    assert book.graded_in(second.id) == {("alice", "h3")}


def test_runs_come_back_per_batch_in_the_order_they_finished_and_latest_per_student_by_name(book):
    batch = book.start_batch(Path("s"), 1, {}, "t")
    for student in ("zoe", "bob", "alice"):
        book.record(batch.id, student, student, student, "graded", result("passed", student=student))
    book.record(batch.id, "bob", "bob", "bob-2", "failed", result("failed", student="bob"))
    assert [r.student for r in book.runs_in(batch.id)] == ["zoe", "bob", "alice", "bob"]
    latest = book.latest_runs()
    assert [(r.student, r.status) for r in latest] == [("alice", "graded"), ("bob", "failed"), ("zoe", "graded")]
    assert latest[1].result == result("failed", student="bob")
    assert [r.content_hash for r in book.history("bob")] == ["bob", "bob-2"]
