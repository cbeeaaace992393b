"""Exports of the gradebook: the CSV an LMS imports, Gradescope's results.json, JUnit XML, JSON, the class report."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from junit_xsd import assert_valid_junit
from junitparser import Error, Failure, JUnitXml

from grader import schemas
from grader.grade.export import grades_csv, gradescope_results, student_folder, write_exports
from grader.grade.gradebook import Run
from grader.results import CheckResult, ExerciseResult, RunResult

SCRIPT = "<script>alert(1)</script>"


def _check(exercise: str, name: str, outcome: str, points: float, max_points: float = 1.0, **fields) -> CheckResult:
    return CheckResult(exercise=exercise, name=name, title=name.replace("_", " "), kind=fields.pop("kind", "correctness"),
                       hidden=fields.pop("hidden", False), max_points=max_points, points=points, outcome=outcome,
                       **fields)


def _run(student: str, checks: list[CheckResult], status: str = "graded", run_id: int = 1, warnings=()) -> Run:
    exercises = {}
    for check in checks:
        exercises.setdefault(check.exercise, []).append(check)
    result = RunResult(submission=student, started_at="2026-01-01T00:00:00+00:00", duration_s=2.5,
                       grader_version="t", seed=3, include_hidden=True, isolation="fork",
                       exercises=[ExerciseResult(name=n, title=n, checks=c) for n, c in exercises.items()],
                       warnings=list(warnings))
    return Run(id=run_id, batch_id=1, student=student, source=student, content_hash="f" * 64, status=status,
               finished_at="2026-01-01T00:00:05+00:00", result=result)


@pytest.fixture
def runs() -> list[Run]:
    return [
        _run("alice", [_check("linear_model", "forward", "passed", 1), _check("encoding", "one_hot", "passed", 2, 2)]),
        _run("bob", [_check("linear_model", "forward", "failed", 0, message="wrong", hint="multiply"),
                     _check("encoding", "one_hot", "timeout", 0, 2, message="the code ran past its time limit"),
                     _check("encoding", "speed", "skipped", 0, 1, message="no CUDA")], run_id=2),
        _run("=HYPERLINK(\"http://evil\")", [_check("linear_model", "forward", "error", 0, message=SCRIPT,
                                                    hidden=True)], run_id=3),
        _run("mallory", [_check("linear_model", "forward", "forbidden", 0, message="The submission was rejected: zip slip")],
             status="rejected", run_id=4, warnings=["The submission was rejected: zip slip"]),
    ]


def test_the_csv_has_one_row_per_student_with_total_and_per_exercise_points(runs):
    rows = list(csv.DictReader(io.StringIO(grades_csv(runs))))
    assert [r["student"] for r in rows] == ["alice", "bob", "'=HYPERLINK(\"http://evil\")", "mallory"]
    alice, bob = rows[0], rows[1]
    assert (alice["points"], alice["max_points"], alice["percent"]) == ("3", "3", "100")
    assert (alice["linear_model points"], alice["encoding points"]) == ("1", "2")
    assert (bob["points"], bob["max_points"], bob["percent"]) == ("0", "3", "0")  # the skipped check counts for nothing
    assert rows[2]["encoding points"] == "" and rows[3]["status"] == "rejected"


def test_no_cell_starts_as_a_spreadsheet_formula(runs):
    cells = [cell for row in csv.reader(io.StringIO(grades_csv(runs))) for cell in row]
    assert "'=HYPERLINK(\"http://evil\")" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]


def test_gradescope_results_follow_its_schema(runs):
    results = gradescope_results(runs[1])
    schemas.validate("gradescope", results)
    assert set(results) >= {"score", "tests", "output", "visibility", "stdout_visibility"}
    assert results["score"] == 0
    for test in results["tests"]:
        assert {"name", "score", "max_score", "output", "visibility"} <= set(test)
        assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
        assert test["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
    forward, one_hot, speed = results["tests"]
    assert forward["status"] == "failed" and "Hint: multiply" in forward["output"]
    assert one_hot["max_score"] == 2 and one_hot["output"].startswith("timeout")
    assert speed["max_score"] == 0 and "status" not in speed
    json.dumps(results, allow_nan=False)


def test_hidden_checks_show_on_gradescope_once_grades_are_published(runs):
    (test,) = gradescope_results(runs[2])["tests"]
    assert test["visibility"] == "after_published" and test["output_format"] == "text"


def test_every_export_is_written_and_the_junit_files_parse(runs, tmp_path):
    paths = write_exports(runs, tmp_path)
    assert {p.name for p in tmp_path.iterdir()} >= {"grades.csv", "gradebook.json", "report.html", "students",
                                                    "gradescope"}
    for run in runs:
        folder = tmp_path / "students" / student_folder(run.student)
        assert (folder / "report.html").is_file() and (folder / "results.json").is_file()
        junit = JUnitXml.fromfile(str(folder / "junit.xml"))
        assert sum(suite.tests for suite in junit) == len(run.result.checks)
        assert_valid_junit(folder / "junit.xml")
        schemas.validate("results", json.loads((folder / "results.json").read_text()))
        gradescope = tmp_path / "gradescope" / student_folder(run.student) / "results.json"
        schemas.validate("gradescope", json.loads(gradescope.read_text()))
    bob = JUnitXml.fromfile(str(tmp_path / "students" / student_folder("bob") / "junit.xml"))
    kinds = [type(r) for suite in bob for case in suite for r in case.result]
    assert Failure in kinds and Error in kinds
    assert paths["class_report"] == tmp_path / "report.html"


def test_the_json_export_reads_back_as_the_results_model(runs, tmp_path):
    write_exports(runs, tmp_path)
    data = json.loads((tmp_path / "gradebook.json").read_text())
    schemas.validate("gradebook", data)
    assert [s["student"] for s in data["students"]] == [r.student for r in runs]
    assert RunResult.from_dict(data["students"][1]["result"]) == runs[1].result
    assert data["students"][3]["reason"] == "The submission was rejected: zip slip"


def test_the_class_report_ranks_checks_and_lists_incidents_and_students(runs, tmp_path):
    write_exports(runs, tmp_path)
    page = (tmp_path / "report.html").read_text()
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Class report" in text and "4 students" in text
    # linear_model::forward passed for 1 of 4: it comes before encoding::one_hot (1 of 2).
    assert page.index("linear_model::forward") < page.index("encoding::one_hot")
    assert "timeout" in text and "zip slip" in text
    assert f'href="students/{student_folder("alice")}/report.html"' in page
    assert "data:image/svg+xml;base64," in page and "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # self-contained: nothing loaded from elsewhere


def test_student_markup_is_inert_in_the_class_report_and_the_student_report(runs, tmp_path):
    write_exports(runs, tmp_path)
    student = tmp_path / "students" / student_folder(runs[2].student) / "report.html"
    for page in (tmp_path / "report.html", student):
        assert SCRIPT not in page.read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in student.read_text()


def test_a_student_report_is_rewritten_only_when_the_run_changed(runs, tmp_path):
    write_exports(runs, tmp_path)
    report = tmp_path / "students" / student_folder("alice") / "report.html"
    report.write_text("stale on purpose")
    write_exports(runs, tmp_path)
    assert report.read_text() == "stale on purpose"
    runs[0] = _run("alice", [_check("linear_model", "forward", "failed", 0)], run_id=9)
    write_exports(runs, tmp_path)
    assert "Grading report" in report.read_text()


@pytest.mark.parametrize(("student", "prefix"), [
    ("alice", "alice"), ("bob.smith-2", "bob.smith-2"), ("..", "student"), (".hidden", "hidden"), ("a b/c", "a_b_c"),
    ("<img src=x>", "_img_src_x_"), ("\x1b[2J\u202eevil", "__2J_evil"), ("n" * 255, "n" * 48),
])
def test_a_student_folder_name_is_plain_short_and_hashed(student, prefix):
    name = student_folder(student)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+-[0-9a-f]{12}", name) and name.startswith(prefix + "-")
    assert len(name) <= 61 and name != student_folder(student + "x")


def test_a_plain_name_never_takes_the_folder_of_a_name_made_plain():
    spaced = student_folder("x y")
    assert student_folder(spaced) != spaced and student_folder("x_y") != spaced


def test_hostile_names_are_shown_neutralised_in_the_csv_and_still_never_as_a_formula():
    rows = list(csv.reader(io.StringIO(grades_csv([_run("\x1b]0;owned\x07\u202e=cmd\u200b", []),
                                                   _run("=SUM(A1)\ufeff", [], run_id=2)]))))
    assert rows[1][0] == "\\x1b]0;owned\\x07<U+202E>=cmd<U+200B>"
    assert rows[2][0] == "'=SUM(A1)<U+FEFF>"
