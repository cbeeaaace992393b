"""The roster and the LMS grade imports: ``grader grade --roster``, ``canvas.csv``, ``moodle.csv`` and their problems.

The files are read back with :mod:`csv` as an LMS reads them and compared with the gradebook;
student text (commas, quotes, non-ASCII letters, a leading ``=``/``+``/``-``/``@``) survives and
never starts a spreadsheet formula. One real batch, run by the command an instructor types, is
shared by the tests at the end of this module.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from junit_xsd import assert_valid_junit
from test_batch import REFERENCE, WRONG, _student
from test_export import _check, _run

from grader import schemas
from grader.check.run import UsageError
from grader.cli import main
from grader.grade.export import canvas_csv, moodle_csv, roster_problems_csv, student_folder, write_exports
from grader.grade.roster import Roster, Student, read_roster

HEADER = "submission,name,canvas_id,sis_user_id,sis_login_id,section,moodle_identity\n"
FORMULA = '=HYPERLINK("http://evil","x")'


def _roster(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    return path


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def runs():
    """alice 3 of 3, bob 0.5 of 3 (a skip counts for nothing), '=cmd' 0, dave (not on the roster), erin (failed)."""
    return [
        _run("=cmd", [_check("linear_model", "forward", "error", 0)], run_id=3),
        _run("alice", [_check("linear_model", "forward", "passed", 1), _check("encoding", "one_hot", "passed", 2, 2)]),
        _run("bob", [_check("linear_model", "forward", "failed", 0), _check("encoding", "one_hot", "passed", 0.5, 2),
                     _check("encoding", "speed", "skipped", 0, 1)], run_id=2),
        _run("dave", [_check("linear_model", "forward", "passed", 1)], run_id=4),
        _run("erin", [_check("linear_model", "forward", "grader_error", 0)], status="failed", run_id=5),
    ]


@pytest.fixture
def roster(tmp_path: Path) -> Roster:
    return read_roster(_roster(tmp_path, HEADER + "\n".join([
        'alice,"Martin, Alice",101,S101,alice@uni.example,"Section 1, Mon",alice@uni.example',
        'bob.zip,"Bob ""Bobby"" O\'Neil",102,S102,+bob,Section 2,+bob',
        f'=cmd,"{FORMULA.replace(chr(34), chr(34) * 2)}",103,,@sis,-section,=moodle',
        "erin,Zoë Çelik 王,104,,,,",
        "gus,Gus,,,,,gus@uni.example",
        "frank,Frank,105,,,,frank@uni.example",
    ]) + "\n", encoding="utf-8-sig"))


# ------------------------------------------------------------------------------------------ reading the roster


def test_a_roster_is_read_with_its_quoted_commas_quotes_letters_and_byte_order_mark(roster: Roster) -> None:
    alice, bob, cmd, erin, gus, frank = roster.students
    assert (alice.submission, alice.name, alice.section, alice.line) == ("alice", "Martin, Alice", "Section 1, Mon", 2)
    assert bob.name == "Bob \"Bobby\" O'Neil" and cmd.name == FORMULA and erin.name == "Zoë Çelik 王"
    assert roster.for_canvas and roster.for_moodle and not gus.in_canvas and frank.in_canvas


def test_columns_may_come_in_any_order_and_case_and_some_may_be_left_out(tmp_path: Path) -> None:
    roster = read_roster(_roster(tmp_path, " Moodle_Identity ,Submission\r\nalice@uni.example, alice \r\n\r\n"))
    assert roster.students == (Student(line=2, submission="alice", moodle_identity="alice@uni.example"),)
    assert roster.for_moodle and not roster.for_canvas


@pytest.mark.parametrize(("text", "says"), [
    ("", "line 1 is empty"),
    ("name,canvas_id\nAlice,1\n", "line 1: no 'submission' column"),
    ("submission,name\nalice,Alice\n", "line 1: no identity column"),
    ("submission,canvas id\nalice,1\n", "line 1: unknown column 'canvas id'"),
    ("submission,canvas_id,canvas_id\nalice,1,1\n", "line 1: the column canvas_id is named twice"),
    (HEADER, "lists no student"),
    ("submission,canvas_id\nalice,1\nbob,2,3\n", "line 3: 3 cells where the header has 2 columns"),
    ("submission,canvas_id\nalice,1\n,2\n", "line 3: the submission is empty"),
    ("submission,canvas_id\nalice,1\nbob,2\nalice,3\n", "line 4: submission 'alice' is already on line 2"),
    ("submission,canvas_id\nalice,1\nalice.zip,3\n", "line 3: submission 'alice.zip' is already on line 2"),
    ("submission,moodle_identity\nalice,a@x\nbob,a@x\n", "line 3: moodle_identity 'a@x' is already on line 2"),
    ('submission,canvas_id\nalice,"1\n', "line 2: not CSV"),
])
def test_a_malformed_roster_is_refused_naming_the_line(tmp_path: Path, text: str, says: str) -> None:
    path = _roster(tmp_path, text)
    with pytest.raises(UsageError, match=re.escape(f"Roster '{path}', {says}" if says.startswith("line") else says)):
        read_roster(path)


def test_a_roster_that_is_not_utf_8_or_not_there_is_refused_saying_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not UTF-8 text.*Save it as 'CSV UTF-8'"):
        read_roster(_roster(tmp_path, "submission,name,canvas_id\nerin,Zoë,1\n", encoding="latin-1"))
    with pytest.raises(UsageError, match="No roster at"):
        read_roster(tmp_path / "nowhere.csv")


def test_the_command_refuses_a_malformed_roster_before_grading_anything(tmp_path: Path) -> None:
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    _student(submissions, "alice")
    roster = _roster(tmp_path, "submission,canvas_id\nalice,1\nalice,2\n")
    run = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["grade", str(submissions), "--out", str(out),
                                                          "--roster", str(roster)])
    assert run.exit_code == 2, run.output
    assert f"Roster '{roster}', line 3: submission 'alice' is already on line 2" in run.output
    assert not out.exists()


# ------------------------------------------------------------------------------------------ the LMS files


def test_a_folder_or_an_archive_matches_its_roster_row_either_way(roster: Roster, runs) -> None:
    matched = roster.match(runs)
    assert [(s.submission, r.student) for s, r in matched.pairs] == [("alice", "alice"), ("bob.zip", "bob"),
                                                                     ("=cmd", "=cmd"), ("erin", "erin")]
    assert [r.student for r in matched.not_on_roster] == ["dave"]
    assert [s.submission for s in matched.no_submission] == ["gus", "frank"]


def test_a_row_pairs_with_one_submission_only_its_exact_name_first(tmp_path: Path) -> None:
    roster = read_roster(_roster(tmp_path, "submission,canvas_id\nx.zip,1\n"))
    folder_named_like_an_archive, folder = _run("x.zip", []), _run("x", [])
    matched = roster.match([folder, folder_named_like_an_archive])
    assert [r.student for _, r in matched.pairs] == ["x.zip"] and matched.not_on_roster == [folder]


def test_canvas_csv_has_canvas_columns_the_points_possible_and_each_students_points(roster: Roster, runs) -> None:
    rows = _rows(canvas_csv(roster.match(runs), "Homework 1 (12345)"))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Homework 1 (12345)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "3"]  # bob's skipped check counts for nobody
    by_id = {row[1]: row for row in rows[2:]}
    assert by_id["101"] == ["Martin, Alice", "101", "S101", "alice@uni.example", "Section 1, Mon", "3"]
    assert by_id["102"] == ["Bob \"Bobby\" O'Neil", "102", "S102", "'+bob", "Section 2", "0.5"]
    assert by_id["103"] == ["'" + FORMULA, "103", "", "'@sis", "'-section", "0"]
    assert by_id["104"] == ["Zoë Çelik 王", "104", "", "", "", ""]  # the grader failed: no grade, not a zero
    assert set(by_id) == {"101", "102", "103", "104"}  # dave is not on the roster; gus and frank did not submit


def test_moodle_csv_has_the_identity_the_name_and_the_points(roster: Roster, runs) -> None:
    rows = _rows(moodle_csv(roster.match(runs), "Homework 1"))
    assert rows == [["Identity", "Name", "Homework 1"], ["alice@uni.example", "Martin, Alice", "3"],
                    ["'+bob", "Bob \"Bobby\" O'Neil", "0.5"], ["'=moodle", "'" + FORMULA, "0"]]


def test_no_cell_of_the_lms_files_starts_as_a_spreadsheet_formula(roster: Roster, runs) -> None:
    matched = roster.match(runs)
    for text in (canvas_csv(matched, "=SUM(A1)"), moodle_csv(matched, "@x"), roster_problems_csv(matched)):
        cells = [cell for row in _rows(text) for cell in row]
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_whose_grade_reaches_no_lms_file_is_listed_with_why(roster: Roster, runs) -> None:
    rows = list(csv.DictReader(io.StringIO(roster_problems_csv(roster.match(runs)))))
    assert [(r["problem"], r["submission"], r["roster_line"]) for r in rows] == [
        ("not on the roster", "dave", ""),
        ("no submission", "gus", "6"),
        ("no submission", "frank", "7"),
        ("not graded", "erin", "5"),
        ("no Moodle identity", "erin", "5"),
    ]
    assert all(r["what_to_do"] for r in rows)


def test_student_names_are_shown_with_their_controls_escaped(tmp_path: Path, runs) -> None:
    roster = read_roster(_roster(tmp_path, "submission,name,canvas_id\nalice,\u202e=evil\x1b[2J,101\n"))
    (row,) = _rows(canvas_csv(roster.match(runs), "x"))[2:]
    assert row[0] == "<U+202E>=evil\\x1b[2J"


def test_the_lms_files_are_utf_8_with_a_byte_order_mark_and_only_with_a_roster(roster: Roster, runs,
                                                                               tmp_path: Path) -> None:
    plain = write_exports(runs, tmp_path / "plain")
    assert not {"canvas", "moodle", "roster_problems"} & set(plain)
    outputs = write_exports(runs, tmp_path / "out", matched=roster.match(runs), assignment="Homework 1")
    for key, first in (("canvas", "Student"), ("moodle", "Identity"), ("roster_problems", "problem")):
        data = outputs[key].read_bytes()
        assert data.startswith(b"\xef\xbb\xbf" + first.encode())
    assert "Zoë Çelik 王".encode() in outputs["canvas"].read_bytes()
    canvas_only = read_roster(_roster(tmp_path, "submission,canvas_id\nalice,101\n"))
    assert "moodle" not in write_exports(runs, tmp_path / "canvas", matched=canvas_only.match(runs))


# ------------------------------------------------------------------------------------------ one real batch


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A class graded by ``grader grade --roster``: the command's output, the export folder, the roster."""
    root = tmp_path_factory.mktemp("roster-batch")
    submissions, out = root / "submissions", root / "out"
    for name in ("alice", "=cmd", "dave", "gus"):
        _student(submissions, name)
    _student(submissions, "bob", WRONG)
    with zipfile.ZipFile(submissions / "carol.zip", "w") as archive:
        archive.write(REFERENCE, "carol/linear_model.py")
    roster = _roster(root, HEADER + "\n".join([
        'alice,"Martin, Alice",101,S101,alice@uni.example,"Section 1, Mon",alice@uni.example',
        'bob,"Bob ""Bobby"" O\'Neil",102,S102,+bob,Section 2,bob',
        "carol.zip,Zoë Çelik 王,103,,,,carol@uni.example",
        f'=cmd,"{FORMULA.replace(chr(34), chr(34) * 2)}",104,,,,=moodle',
        "gus,Gus,,,,,gus@uni.example",
        "erin,Erin,105,,,,erin@uni.example",
    ]) + "\n")
    run = CliRunner(env={"COLUMNS": "200"}).invoke(main, [
        "grade", str(submissions), "--out", str(out), "--workers", "1", "--exercise", "linear_model", "--seed", "5",
        "--timeout", "10", "--roster", str(roster), "--assignment", "Homework 1 (12345)"])
    assert run.exit_code == 0, run.output
    shutil.rmtree(submissions)
    return {"output": run.output, "out": out}


def _points(out: Path) -> dict[str, float]:
    document = json.loads((out / "gradebook.json").read_text(encoding="utf-8"))
    return {s["student"]: s["result"] for s in document["students"]}


@pytest.mark.slow
def test_the_batch_writes_canvas_and_moodle_imports_that_agree_with_the_gradebook(batch: dict) -> None:
    out = batch["out"]
    results = _points(out)
    canvas = _rows((out / "canvas.csv").read_text(encoding="utf-8-sig"))
    assert canvas[0][-1] == "Homework 1 (12345)" and canvas[1] == ["Points Possible", "", "", "", "", "12"]
    by_id = {row[1]: row[-1] for row in canvas[2:]}
    student_of = {"101": "alice", "102": "bob", "103": "carol", "104": "=cmd"}
    assert by_id == {id_: f"{sum(c['points'] for e in results[s]['exercises'] for c in e['checks']):g}"
                     for id_, s in student_of.items()}
    assert (by_id["101"], by_id["102"]) == ("12", "7")
    moodle = _rows((out / "moodle.csv").read_text(encoding="utf-8-sig"))
    assert [row[0] for row in moodle[1:]] == ["alice@uni.example", "bob", "carol@uni.example", "'=moodle",
                                              "gus@uni.example"]
    assert [row[2] for row in moodle[1:]] == ["12", "7", "12", "12", "12"]
    assert ["'" + FORMULA, "104", "", "", "", "12"] in canvas


@pytest.mark.slow
def test_the_batch_lists_who_is_on_one_side_only_in_its_output_and_its_file(batch: dict) -> None:
    rows = list(csv.DictReader(io.StringIO((batch["out"] / "roster_problems.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["problem"], r["submission"]) for r in rows] == [
        ("not on the roster", "dave"), ("no submission", "erin"), ("no Canvas identity", "gus")]
    output = batch["output"]
    assert "Not on the roster: dave: graded, but in no LMS file" in output
    assert "No submission: erin (roster line 7)" in output
    assert "No Canvas identity: gus (roster line 6)" in output
    assert f"Canvas import: {batch['out'] / 'canvas.csv'}" in output and "3 roster problems, listed in" in output


@pytest.mark.slow
def test_the_batch_exports_validate_against_their_schemas(batch: dict) -> None:
    out = batch["out"]
    schemas.validate("gradebook", json.loads((out / "gradebook.json").read_text(encoding="utf-8")))
    for student in ("alice", "bob", "carol", "=cmd", "dave", "gus"):
        folder = out / "students" / student_folder(student)
        schemas.validate("results", json.loads((folder / "results.json").read_text(encoding="utf-8")))
        assert_valid_junit(folder / "junit.xml")
        gradescope = out / "gradescope" / student_folder(student) / "results.json"
        schemas.validate("gradescope", json.loads(gradescope.read_text(encoding="utf-8")))
