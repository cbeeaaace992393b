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

where ``<folder>`` is :func:`student_folder`: the name made plain, and a hash of it.
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
_GRADESCOPE_OUTPUT_LIMIT = 8000


def write_exports(runs: list[Run], out: Path, similarity: SimilarityReport | None = None) -> dict[str, Path]:
    """Write every export of ``runs`` (each student's latest run), and of ``similarity``, under ``out``."""
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


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path
