"""Submissions that attack the taking-in, not the grading: their names and their folders' shape.

A name longer than the filesystem allows, folders nested hundreds deep, names that carry
terminal escape sequences, bidi overrides or zero-width characters, and two students whose
names once led to one export folder. Each must become that submission's own verdict, the
batch must go on (and resume), and nothing a student named reaches the instructor's screen,
the class report or the CSV raw. Everything here is built at test time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import grader.grade.batch
from conftest import ROOT
from grader import schemas
from grader.grade.batch import BatchRequest, grade_batch
from grader.cli import main
from grader.grade.export import student_folder
from grader.grade.gradebook import FILE_NAME, Gradebook
from grader.results import RunResult
from grader.shared.limits import Limits

REFERENCE = (ROOT / "solutions" / "linear_model.py").read_text()
WRONG = (Path(__file__).parents[1] / "submissions" / "linear_model" / "gradient_no_factor_2.py").read_text()
LEVEL = "nested_folder_lv"  # 16 characters: 300 levels of it are longer than PATH_MAX (4096)
DEPTH = 300
#: Clear screen, set the window title (OSC), a bidi override, zero-width space and no-break space.
HOSTILE = "\x1b[2J\x1b]0;owned\x07\u202eevil\u200b\ufeff"
RAW = ("\x1b", "\x07", "\u202e", "\u200b", "\ufeff")
#: The export folder that 'x y' had before names got a hash always: another student's plain name.
SPACED = "x y"
LOOKALIKE = f"x_y-{hashlib.sha256(SPACED.encode()).hexdigest()[:8]}"
SEED = 7
REJECTED = {
    "long_name": "at most 128 bytes",
    "deep_zip": "at most 16 folders deep",
    "deep_folder": "at most 16 folders deep",
}


def _folder(path: Path, source: str = REFERENCE) -> Path:
    path.mkdir()
    (path / "linear_model.py").write_text(source)
    return path


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def _deep_folder(path: Path) -> Path:
    """A right submission holding a folder ``DEPTH`` levels deep, built through folder descriptors."""
    _folder(path)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(DEPTH):
            os.mkdir(LEVEL, dir_fd=fd)
            child = os.open(LEVEL, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        os.close(os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
    finally:
        os.close(fd)
    return path


def _request(submissions: Path, out: Path, **options) -> BatchRequest:
    return BatchRequest(submissions, out, exercises=["linear_model"], seed=SEED, limits=Limits(call_timeout_s=10),
                        **options)


def _runs(out: Path) -> dict[str, object]:
    book = Gradebook(out / FILE_NAME)
    try:
        return {run.student: run for run in book.latest_runs()}
    finally:
        book.close()


@pytest.fixture(scope="module")
def shapes(grading_pool, tmp_path_factory):
    """A name of 300 characters, a zip and a folder 300 levels deep, and two honest controls, in one batch."""
    folder = tmp_path_factory.mktemp("shapes")
    submissions, out = folder / "submissions", folder / "out"
    submissions.mkdir()
    _folder(submissions / "control_folder")
    _zip(submissions / "control_zip.zip", {"control_zip/linear_model.py": REFERENCE})
    _zip(submissions / "long_name.zip", {"linear_model.py": REFERENCE, "n" * 300 + ".py": "X = 1"})
    _zip(submissions / "deep_zip.zip", {"linear_model.py": REFERENCE, f"{LEVEL}/" * DEPTH + "deep.py": "X = 1"})
    _deep_folder(submissions / "deep_folder")
    summary = grade_batch(_request(submissions, out), pool=grading_pool)
    resumed = grade_batch(_request(submissions, out, resume=True), pool=grading_pool)
    return {"summary": summary, "resumed": resumed, "runs": _runs(out), "out": out}


def test_the_batch_finishes_with_one_run_per_submission(shapes):
    assert shapes["summary"].statuses == {"graded": 2, "rejected": 3}
    assert sorted(shapes["runs"]) == ["control_folder", "control_zip", "deep_folder", "deep_zip", "long_name"]


@pytest.mark.parametrize("student", sorted(REJECTED))
def test_a_name_too_long_or_folders_too_deep_are_rejected_with_the_limit(shapes, student):
    run = shapes["runs"][student]
    assert run.status == "rejected" and run.result.points == 0 and run.result.max_points == 12
    reason = run.result.warnings[0]
    assert REJECTED[student] in reason and len(reason) < 400, reason
    assert all(c.outcome == "forbidden" and REJECTED[student] in c.message for c in run.result.checks)


def test_the_controls_get_full_marks_beside_them(shapes):
    assert {name: shapes["runs"][name].result.points for name in ("control_folder", "control_zip")} == \
        {"control_folder": 12, "control_zip": 12}


def test_resume_finds_the_same_submissions_and_grades_nothing_again(shapes):
    resumed = shapes["resumed"]
    assert resumed.resumed and (resumed.found, resumed.already_graded, resumed.graded_now) == (5, 5, 0)


def test_nothing_is_left_staged(shapes):
    assert not (shapes["out"] / ".staging").exists()


@pytest.fixture(scope="module")
def names(grading_pool, tmp_path_factory):
    """Hostile names as a folder, a zip and a stray file, and two students with once-colliding folders.

    Graded in one batch, then the hostile folder regraded through ``grader grade`` so that its
    name is the last the progress bar shows.
    """
    folder = tmp_path_factory.mktemp("names")
    submissions, out = folder / "submissions", folder / "out"
    submissions.mkdir()
    _folder(submissions / f"{HOSTILE}folder")
    _zip(submissions / f"{HOSTILE}zip.zip", {"linear_model.py": REFERENCE})
    (submissions / f"{HOSTILE}notes.txt").write_text("not a submission")
    _folder(submissions / SPACED, WRONG)
    _folder(submissions / LOOKALIKE)
    summary = grade_batch(_request(submissions, out), pool=grading_pool)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grader.grade.batch, "grade_batch", functools.partial(grade_batch, pool=grading_pool))
        cli = CliRunner().invoke(main, ["grade", str(submissions), "--out", str(out), "--exercise", "linear_model",
                                        "--student", f"{HOSTILE}folder", "--seed", str(SEED), "--timeout", "10"],
                                  env={"COLUMNS": "250"})
    return {"summary": summary, "cli": cli, "runs": _runs(out), "out": out}


def test_hostile_names_are_graded_and_kept_raw_in_the_gradebook(names):
    assert names["summary"].statuses == {"graded": 4}
    runs = names["runs"]
    assert runs[f"{HOSTILE}folder"].result.points == 12 and runs[f"{HOSTILE}zip"].result.points == 12


def test_the_grade_command_shows_hostile_names_neutralised(names):
    cli = names["cli"]
    assert cli.exit_code == 0, cli.output
    assert "Skipped " in cli.output and "notes.txt" in cli.output
    assert "folder: graded" in cli.output  # the progress bar's last line
    leaked = [char for char in RAW if char in cli.output]
    assert leaked == [], cli.output
    assert "\\x1b[2J" in cli.output and "<U+202E>" in cli.output


def test_the_class_report_the_csv_and_the_student_reports_show_hostile_names_neutralised(names):
    out = names["out"]
    pages = {"report.html": (out / "report.html").read_text(), "grades.csv": (out / "grades.csv").read_text()}
    for student in (f"{HOSTILE}folder", f"{HOSTILE}zip"):
        page = out / "students" / student_folder(student) / "report.html"
        pages[str(page.relative_to(out))] = page.read_text()
    for name, text in pages.items():
        assert [char for char in RAW if char in text] == [], name
        assert "\\x1b[2J" in text and "U+202E" in text, name


def test_two_students_whose_folders_once_collided_keep_their_own_exports(names):
    out, runs = names["out"], names["runs"]
    folders = {student: student_folder(student) for student in runs}
    assert len(set(folders.values())) == len(runs)
    assert {p.name for p in (out / "students").iterdir()} == set(folders.values())
    for student in (SPACED, LOOKALIKE):
        written = json.loads((out / "students" / folders[student] / "results.json").read_text())
        schemas.validate("results", written)
        exported = RunResult.from_dict(written)
        assert exported.points == runs[student].result.points, student
        gradescope = json.loads((out / "gradescope" / folders[student] / "results.json").read_text())
        schemas.validate("gradescope", gradescope)
        assert gradescope["score"] == runs[student].result.points, student
    assert (runs[SPACED].result.points, runs[LOOKALIKE].result.points) == (7, 12)
    page = (out / "report.html").read_text()
    for folder in folders.values():
        assert f'href="students/{folder}/report.html"' in page
