"""The roster: who each submission belongs to in the course's LMS, read from the instructor's CSV.

One row per student. ``submission`` is the name of the student's folder or archive under the
submissions folder (``alice`` or ``alice.zip``; either matches both); the other columns are
the student's identities in Canvas and Moodle, as those tools match rows of an imported file:

=================  ================================================================
``submission``     required: the folder's or the archive's name
``name``           the name the LMS files show (the submission's name where empty)
``canvas_id``      Canvas's user ID (the ``ID`` column of Canvas's gradebook export)
``sis_user_id``    Canvas's ``SIS User ID``
``sis_login_id``   Canvas's ``SIS Login ID``
``section``        Canvas's ``Section``
``moodle_identity`` what the Moodle course matches users on: an email address or a username
=================  ================================================================

The header needs ``submission`` and at least one identity column; a column may be left out,
a cell left empty. The file is UTF-8 (a byte-order mark, as spreadsheets save it, is fine).
A malformed roster is refused before anything is graded, with the line that is wrong.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from grader.check.run import UsageError
from grader.grade.gradebook import Run
from grader.visible import visible_name

COLUMNS = ("submission", "name", "canvas_id", "sis_user_id", "sis_login_id", "section", "moodle_identity")
#: The columns Canvas matches a row of its gradebook import on.
CANVAS_IDENTITIES = ("canvas_id", "sis_user_id", "sis_login_id")
MOODLE_IDENTITY = "moodle_identity"


@dataclass(frozen=True)
class Student:
    """One row of the roster: a submission's name and the student's identities (empty where not given)."""

    line: int
    submission: str
    name: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    moodle_identity: str = ""

    @property
    def in_canvas(self) -> bool:
        """Whether Canvas can tell who this row is: it has one of Canvas's identities."""
        return any(getattr(self, column) for column in CANVAS_IDENTITIES)


@dataclass(frozen=True)
class Roster:
    """The students of a roster file, in the file's order, and the columns it has."""

    path: Path
    columns: tuple[str, ...]
    students: tuple[Student, ...]

    @property
    def for_canvas(self) -> bool:
        """Whether the roster names Canvas identities, so that a Canvas import can be written."""
        return any(column in self.columns for column in CANVAS_IDENTITIES)

    @property
    def for_moodle(self) -> bool:
        """Whether the roster names Moodle identities, so that a Moodle import can be written."""
        return MOODLE_IDENTITY in self.columns

    def match(self, runs: list[Run]) -> Matched:
        """Pair each student of the roster with their run (one each), and say who is on one side only.

        A run's student is its folder's name, or its archive's without ``.zip``: a row names it
        either way, its exact name first.
        """
        exact = {s.submission: s for s in self.students}
        by_key = {submission_key(s.submission): s for s in self.students}
        paired: dict[int, Run] = {}  # roster line -> its run
        not_on_roster = []
        for run in sorted(runs, key=lambda r: r.student not in exact):  # exact names take their row first
            student = exact.get(run.student) or by_key.get(run.student)
            if student is None or student.line in paired:
                not_on_roster.append(run)
            else:
                paired[student.line] = run
        return Matched(
            roster=self,
            pairs=[(s, paired[s.line]) for s in self.students if s.line in paired],
            not_on_roster=sorted(not_on_roster, key=lambda r: r.student),
            no_submission=[s for s in self.students if s.line not in paired],
        )


@dataclass
class Matched:
    """The roster against a batch's runs: the pairs, the runs nobody on the roster owns, the students with no run."""

    roster: Roster
    pairs: list[tuple[Student, Run]] = field(default_factory=list)
    not_on_roster: list[Run] = field(default_factory=list)
    no_submission: list[Student] = field(default_factory=list)


def submission_key(name: str) -> str:
    """What a submission is matched on: its name without ``.zip`` (as the batch names the student)."""
    return name[:-4] if name.lower().endswith(".zip") else name


def read_roster(path: Path) -> Roster:
    """The roster in ``path``; a :class:`UsageError` naming the file and the line where it is malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"No roster at '{path}'. Pass the CSV file that maps each submission to its student.") \
            from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"The roster '{path}' is not UTF-8 text (byte {exc.start}). Save it as 'CSV UTF-8'.") \
            from None
    except OSError as exc:
        raise UsageError(f"The roster '{path}' cannot be read: {exc.strerror}.") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        columns = _header(path, next(reader, []))
        students = []
        for cells in reader:
            if any(cell.strip() for cell in cells):
                students.append(_student(path, reader.line_num, columns, cells))
    except csv.Error as exc:
        raise UsageError(f"{_where(path, reader.line_num)}: not CSV ({exc}).") from None
    if not students:
        raise UsageError(f"The roster '{path}' lists no student: add one row per submission under its header.")
    _refuse_duplicates(path, students)
    return Roster(path, columns, tuple(students))


def _header(path: Path, cells: list[str]) -> tuple[str, ...]:
    columns = tuple(cell.strip().lower() for cell in cells)
    if not columns:
        raise UsageError(f"{_where(path, 1)} is empty: the first line names the columns ({', '.join(COLUMNS)}).")
    unknown = [column for column in columns if column not in COLUMNS]
    if unknown:
        raise UsageError(f"{_where(path, 1)}: unknown column {', '.join(repr(visible_name(c)) for c in unknown)}. "
                         f"The columns a roster may have are {', '.join(COLUMNS)}.")
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        raise UsageError(f"{_where(path, 1)}: the column {', '.join(repeated)} is named twice.")
    if "submission" not in columns:
        raise UsageError(f"{_where(path, 1)}: no 'submission' column. Name it in the header, with the folder's or "
                         "archive's name of each student's submission in it.")
    if not any(column in columns for column in (*CANVAS_IDENTITIES, MOODLE_IDENTITY)):
        raise UsageError(f"{_where(path, 1)}: no identity column. Add canvas_id, sis_user_id or sis_login_id "
                         f"(Canvas), or {MOODLE_IDENTITY} (Moodle), so that the LMS can tell whose grade each row is.")
    return columns


def _student(path: Path, line: int, columns: tuple[str, ...], cells: list[str]) -> Student:
    if len(cells) != len(columns):
        raise UsageError(f"{_where(path, line)}: {len(cells)} cells where the header has {len(columns)} columns. "
                         "Quote a cell that holds a comma.")
    values = {column: cell.strip() for column, cell in zip(columns, cells)}
    if not values["submission"]:
        raise UsageError(f"{_where(path, line)}: the submission is empty. Give the folder's or archive's name.")
    return Student(line=line, **values)


def _refuse_duplicates(path: Path, students: list[Student]) -> None:
    """Two rows for one submission, or one identity given to two students, is a mistake in the roster."""
    for column in ("submission", *CANVAS_IDENTITIES, MOODLE_IDENTITY):
        seen: dict[str, Student] = {}
        for student in students:
            value = getattr(student, column)
            key = submission_key(value) if column == "submission" else value
            if not key:
                continue
            if key in seen:
                first = seen[key]
                raise UsageError(f"{_where(path, student.line)}: {column} '{visible_name(value)}' is already on "
                                 f"line {first.line} ('{visible_name(first.submission)}'). Keep one row per student.")
            seen[key] = student


def _where(path: Path, line: int) -> str:
    return f"Roster '{path}', line {line}"


@dataclass(frozen=True)
class Problem:
    """A submission or a student whose grade is not in an LMS file, and what to do about it."""

    problem: str
    submission: str
    name: str
    roster_line: int | None
    what_to_do: str


def problems(matched: Matched) -> list[Problem]:
    """Everyone whose grade does not reach an LMS file, each with the reason: nobody is left out silently."""
    roster = matched.roster
    found = [Problem("not on the roster", run.source, run.student, None,
                     "graded, but in no LMS file: add a row for this submission to the roster")
             for run in matched.not_on_roster]
    found += [Problem("no submission", s.submission, s.name, s.line,
                      "on the roster, but no folder or archive of this name was graded")
              for s in matched.no_submission]
    for student, run in matched.pairs:
        if run.status == "failed":
            found.append(Problem("not graded", run.source, student.name or run.student, student.line,
                                 "the grader failed on it, so its grade is left empty: regrade it with --student"))
        if roster.for_canvas and not student.in_canvas:
            found.append(Problem("no Canvas identity", run.source, student.name or run.student, student.line,
                                 "left out of canvas.csv: give it a canvas_id, sis_user_id or sis_login_id"))
        if roster.for_moodle and not student.moodle_identity:
            found.append(Problem("no Moodle identity", run.source, student.name or run.student, student.line,
                                 f"left out of moodle.csv: give it a {MOODLE_IDENTITY} on the roster"))
    return found
