"""Exports of the gradebook: a CSV for the LMS, Gradescope's ``results.json``, JUnit XML, JSON, reports.

Every export renders the latest :class:`~grader.grade.gradebook.Run` of each student and computes
no grade of its own: points, outcomes and messages come from the stored
:class:`~grader.results.RunResult`. Layout of the output folder::

    grades.csv                      one row per student: total and per-exercise points
    similarity.csv                  per exercise, the pairs of students whose modules are alike
    gradebook.json                  every student's latest run, as the results model
    report.html                     the class report
    students/<folder>/              report.html, results.json, junit.xml
    gradescope/<folder>/results.json
    canvas.csv, moodle.csv          with a roster: the grade in the layout each LMS imports
    roster_problems.csv             with a roster: whose grade reaches no LMS file, and why

where ``<folder>`` is :func:`student_folder`: the name made plain, and a hash of it. The LMS
files and the problems file are UTF-8 with a byte-order mark, since instructors open them in
a spreadsheet first (Excel reads UTF-8 without one as another encoding), and both Canvas and
Moodle skip the mark when they import.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

from grader import catalog
from grader.grade.classreport import render_class_report, render_similarity_report
from grader.grade.gradebook import Run
from grader.grade.roster import CANVAS_IDENTITIES, Matched, problems
from grader.grade.similarity import SimilarityReport, identical_to
from grader.render import first_line, outcome_label, shows_hint
from grader.render.html import render_html
from grader.render.junit import render_junit
from grader.results import SCHEMA_VERSION
from grader.shared.outcome import Outcome
from grader.visible import visible_name

_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_.-]")
_PREFIX_CHARS = 48
# A spreadsheet reads a cell starting with these as a formula: a student named
# '=HYPERLINK(...)' must stay text in the instructor's LMS import.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: UTF-8 with a byte-order mark, for the files instructors open in a spreadsheet.
_SPREADSHEET = "utf-8-sig"
_GRADESCOPE_OUTPUT_LIMIT = 8000
#: The title of the grade's column in the LMS files when the instructor gives none.
DEFAULT_ASSIGNMENT = "PyTorch exercises"


def write_exports(runs: list[Run], out: Path, similarity: SimilarityReport | None = None,
                  matched: Matched | None = None, assignment: str = DEFAULT_ASSIGNMENT) -> dict[str, Path]:
    """Write every export of ``runs`` (each student's latest run), of ``similarity``, and with ``matched``
    (the roster against ``runs``) the LMS files, their grade column titled ``assignment``, under ``out``."""
    out = Path(out)
    for run in runs:
        _write_student(run, out)
    outputs = {
        "class_report": _write(out / "report.html", render_class_report(runs, student_folder, similarity)),
        "csv": _write(out / "grades.csv", grades_csv(runs)),
        "json": _write(out / "gradebook.json", gradebook_json(runs)),
        "students": out / "students",
        "gradescope": out / "gradescope",
    }
    if similarity is not None:
        outputs["similarity_csv"] = _write(out / "similarity.csv", similarity_csv(similarity))
    if matched is not None:
        if matched.roster.for_canvas:
            outputs["canvas"] = _write(out / "canvas.csv", canvas_csv(matched, assignment), _SPREADSHEET)
        if matched.roster.for_moodle:
            outputs["moodle"] = _write(out / "moodle.csv", moodle_csv(matched, assignment), _SPREADSHEET)
        outputs["roster_problems"] = _write(out / "roster_problems.csv", roster_problems_csv(matched), _SPREADSHEET)
    return outputs


def write_similarity(similarity: SimilarityReport, out: Path) -> dict[str, Path]:
    """Write the similarity report alone under ``out``: ``similarity.html`` and ``similarity.csv``."""
    return {
        "html": _write(Path(out) / "similarity.html", render_similarity_report(similarity)),
        "csv": _write(Path(out) / "similarity.csv", similarity_csv(similarity)),
    }


def student_folder(student: str) -> str:
    """The folder name of ``student``'s files: the name made plain and short, then a hash of the exact name.

    Always hashed, so that no two students share a folder: a plain name can never equal
    another's made-plain name (``x_y-…`` for ``x y``), since each ends in the hash of its own.
    """
    plain = _UNSAFE_CHARS.sub("_", student).lstrip(".")[:_PREFIX_CHARS] or "student"
    return f"{plain}-{_short_hash(student)}"


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def _write_student(run: Run, out: Path) -> None:
    """A student's report, results and JUnit file, and Gradescope's file; rewritten only when the run changed."""
    folder = out / "students" / student_folder(run.student)
    results = run.result.to_json()
    stored = folder / "results.json"
    if stored.is_file() and stored.read_text(encoding="utf-8") == results:
        return
    _write(folder / "report.html", render_html(run.result))
    _write(folder / "junit.xml", render_junit(run.result))
    _write(out / "gradescope" / student_folder(run.student) / "results.json",
           json.dumps(gradescope_results(run), indent=2, allow_nan=False))
    _write(stored, results)  # last: its presence says the others are written


def grades_csv(runs: list[Run]) -> str:
    """One row per student: status, total, percentage and points per exercise, for an LMS import.

    The last column names the students whose submissions are identical to this one's.
    """
    exercises = _exercises(runs)
    identical = identical_to(runs)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "status", "points", "max_points", "percent",
                     *[f"{name} points" for name in exercises], "submission", "content_sha256", "graded_at",
                     "identical_to"])
    for run in runs:
        by_exercise = {e.name: e for e in run.result.exercises}
        writer.writerow([
            _cell(visible_name(run.student)), run.status, _number(run.result.points), _number(run.result.max_points),
            _number(100 * run.result.points / run.result.max_points) if run.result.max_points else "",
            *[_number(by_exercise[name].points) if name in by_exercise else "" for name in exercises],
            _cell(visible_name(run.source)), run.content_hash, run.finished_at,
            _cell("; ".join(visible_name(other) for other in identical.get(run.student, []))),
        ])
    return buffer.getvalue()


def canvas_csv(matched: Matched, assignment: str) -> str:
    """Canvas's gradebook import: the columns of Canvas's own gradebook export, a points-possible row, a row each.

    Canvas matches each row to a student by ``ID``, ``SIS User ID`` or ``SIS Login ID``, and the
    grade column to an assignment by the ID in its title (``Homework 1 (12345)``, as Canvas's
    export heads it), or creates an assignment of that title, worth the second row's points
    (Canvas Instructor Guide, "How do I import grades in the Gradebook?",
    https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807).
    A row with none of the three identities is left out (and listed in ``roster_problems.csv``).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", _cell(assignment)])
    writer.writerow(["Points Possible", "", "", "", "", _points_possible(matched)])
    for student, run in matched.pairs:
        if student.in_canvas:
            writer.writerow([_cell(visible_name(student.name or run.student)),
                             *[_cell(visible_name(getattr(student, c))) for c in (*CANVAS_IDENTITIES, "section")],
                             _grade(run)])
    return buffer.getvalue()


def moodle_csv(matched: Matched, assignment: str) -> str:
    """Moodle's grade import (Grades > Import > CSV file): the identity Moodle maps users by, the name, the grade.

    On import the instructor maps ``Identity`` to the user field it holds (``useremail`` or
    ``username``) and the grade column to a grade item or a new one (MoodleDocs, "Grade import",
    https://docs.moodle.org/en/Grade_import); ``Name`` is there to read and is left unmapped.
    A row without an identity is left out.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Identity", "Name", _cell(assignment)])
    for student, run in matched.pairs:
        if student.moodle_identity:
            writer.writerow([_cell(visible_name(student.moodle_identity)),
                             _cell(visible_name(student.name or run.student)), _grade(run)])
    return buffer.getvalue()


def roster_problems_csv(matched: Matched) -> str:
    """Every submission and roster student whose grade reaches no LMS file, with why and what to do."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["problem", "submission", "name", "roster_line", "what_to_do"])
    for problem in problems(matched):
        writer.writerow([problem.problem, _cell(visible_name(problem.submission)), _cell(visible_name(problem.name)),
                         problem.roster_line or "", problem.what_to_do])
    return buffer.getvalue()


def _points_possible(matched: Matched) -> str:
    """The assignment's points: the most any run could score (a check skipped for everyone counts for no one)."""
    runs = [run for _, run in matched.pairs] + matched.not_on_roster
    return _number(max((run.result.max_points for run in runs), default=0.0))


def _grade(run: Run) -> str:
    """The grade an LMS records: the points, or nothing where the grader failed (not the student's zero)."""
    return "" if run.status == "failed" else _number(run.result.points)


def similarity_csv(similarity: SimilarityReport) -> str:
    """Per exercise, the flagged pairs and the closest others: both names, the score and each side's share."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["exercise", "student", "other_student", "score", "student_share", "other_share",
                     "matched_tokens", "flagged"])
    for pair in similarity.pairs:
        writer.writerow([pair.exercise, *[_cell(visible_name(name)) for name in pair.students], f"{pair.score:.3f}",
                         *[f"{share:.3f}" for share in pair.shares], pair.matched_tokens,
                         "yes" if pair.flagged else "no"])
    return buffer.getvalue()


def _exercises(runs: list[Run]) -> list[str]:
    """The exercises any run holds, in the course's order."""
    present = {e.name for run in runs for e in run.result.exercises}
    return [e.name for e in catalog.EXERCISES if e.name in present] + sorted(present - set(catalog.BY_NAME))


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: float) -> str:
    return f"{round(value, 4):g}"


def gradescope_results(run: Run) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one submission: one test per check.

    Hidden checks are shown once grades are published; a skipped check is listed with no points.
    """
    result = run.result
    tests = []
    for check in result.checks:
        test: dict[str, Any] = {
            "name": f"{check.exercise}: {check.title}",
            "score": float(check.points),
            "max_score": 0.0 if check.outcome == Outcome.SKIPPED else float(check.max_points),
            "output": _gradescope_output(check.outcome, check.message, check.hint if shows_hint(check) else ""),
            "output_format": "text",  # student text is shown as written, never as HTML or Markdown
            "visibility": "after_published" if check.hidden else "visible",
            "tags": [check.exercise, check.kind],
        }
        if check.outcome != Outcome.SKIPPED:
            test["status"] = "passed" if check.passed else "failed"
        tests.append(test)
    return {
        "score": float(result.points),
        "execution_time": round(result.duration_s, 3),
        "output": "\n".join([f"{_number(result.points)}/{_number(result.max_points)} points", *result.warnings]),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _gradescope_output(outcome: str, message: str, hint: str) -> str:
    text = outcome_label(outcome)
    if message:
        text += f": {message}"
    if hint:
        text += f"\n\nHint: {hint}"
    return text[:_GRADESCOPE_OUTPUT_LIMIT]


def gradebook_json(runs: list[Run]) -> str:
    """Every student's latest run with where it came from, and who submitted the same, as one JSON document."""
    identical = identical_to(runs)
    return json.dumps({
        "schema_version": SCHEMA_VERSION,
        "students": [
            {"student": run.student, "status": run.status, "source": run.source, "content_sha256": run.content_hash,
             "batch": run.batch_id, "run": run.id, "graded_at": run.finished_at,
             "reason": first_line(run.result.warnings[0]) if run.status != "graded" and run.result.warnings else "",
             "identical_to": identical.get(run.student, []),
             "result": run.result.to_dict()}
            for run in runs
        ],
    }, indent=2, allow_nan=False)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(text, encoding=encoding)
    temporary.replace(path)
    return path
