"""Hostile submissions, graded in one batch beside honest ones: each gets its verdict, and nothing else is harmed.

Every folder here holds a ``linear_model.py`` that attacks the grader in one way; what it
does not attack it imports, done right, from ``_correct.py``, so its verdict shows exactly
where the damage was done and that it stayed there. The hostile archives and folders
(zip slip, zip bomb, links) are built at test time by ``hostile_archives``. Three honest
controls are graded in the same batch and must get exactly what they get graded alone.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from junitparser import JUnitXml

from conftest import INSTRUCTOR_SECRET, ROOT, SUBMISSIONS
from grader import schemas
from grader.grade.batch import BatchRequest, grade_batch
from grader.grade.export import student_folder
from grader.grade.gradebook import FILE_NAME, Gradebook
from grader.shared.limits import Limits
from hostile_archives import REJECTED

CASES = Path(__file__).parent
TIMEOUT_S = 3.0
SEED = 20240501
FORWARD = "forward_matches_reference"

#: Cases whose ``forward()`` attacks: the outcome of forward's check and words its message holds.
IN_CALL = {
    "infinite_loop": ("timeout", "time limit"),
    "sleep": ("timeout", "time limit"),
    "fork_bomb": ("timeout", "time limit"),
    "sigterm_ignored": ("timeout", "time limit"),
    "memory_hog": ("memory", "out of memory"),
    "os_exit_in_call": ("exited", "ended the process"),
    "sys_exit_in_call": ("exited", "sys.exit(0)"),
    "segfault": ("crashed", "SIGSEGV"),
    "keyboard_interrupt": ("error", "KeyboardInterrupt"),
    "base_exception": ("error", "Escape"),
    "fake_perfect_output": ("failed", "differs from the expected values"),
    "writes_inherited_fds": ("forbidden", "file descriptor it does not own"),
    "monkeypatch_torch": ("failed", "differs from the expected values"),
    "monkeypatch_numpy": ("failed", "differs from the expected values"),
    "monkeypatch_pytest": ("failed", "differs from the expected values"),
    "tensor_subclass": ("failed", "a subclass of torch.Tensor"),
    "reads_solutions": ("error", "No such file or directory"),
    "reads_hidden_checks": ("error", "Permission denied"),
    "reads_other_student": ("error", "control_reference"),
    "opens_socket": ("error", "Permission denied"),
    # Denied, or not even there: a folder only root may enter is hidden from a worker.
    "writes_outside_folder": ("error", "canary.txt"),
    "deletes_files": ("error", "canary.txt"),
    # In a process namespace of its own, a worker has no other process to signal.
    "kills_other_processes": ("error", "No such process"),
    "writes_huge_file": ("error", "File too large"),
    "returns_nan": ("failed", "NaN"),
    "returns_huge": ("error", "at most 256 MB"),
    "returns_wrong_type": ("failed", "linear_model.Liar"),
    # Contained so well that the right answer still comes back: the attack changed nothing.
    "threads_left_running": ("passed", ""),
    "output_flood": ("passed", ""),
    "reads_environment": ("passed", ""),
    "escapes_with_setsid": ("passed", ""),
    "html_in_exception": ("error", '<script>alert("owned")</script>'),
}
#: Cases that attack at import or patch the worker itself: the outcome of every check.
AT_IMPORT = {
    "os_exit_at_import": ("exited", "ended the process"),
    "sys_exit_at_import": ("exited", "sys.exit(0)"),
    "monkeypatch_grader": ("forbidden", "tampered with the grader's worker"),
}
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
CONTROLS = ("control_reference", "control_reference_zip", "control_wrong")


def _controls(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "control_reference").mkdir()
    shutil.copy(ROOT / "solutions" / "linear_model.py", folder / "control_reference")
    shutil.make_archive(str(folder / "control_reference_zip"), "zip", folder / "control_reference")
    (folder / "control_wrong").mkdir()
    shutil.copy(SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py", folder / "control_wrong" / "linear_model.py")


class Listener:
    """A TCP server on this machine's loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop listening; the accepting thread ends (a thread left running would stop later tests forking)."""
        self.socket.shutdown(socket.SHUT_RDWR)
        self.socket.close()
        self._thread.join(5)

    def _accept(self) -> None:
        while True:
            try:
                connection, address = self.socket.accept()
            except OSError:
                return
            self.connections.append(address)
            connection.close()


@pytest.fixture(scope="module")
def baseline(grading_pool, tmp_path_factory):
    """The controls graded alone, with the seed of the hostile batch."""
    folder = tmp_path_factory.mktemp("controls")
    _controls(folder / "submissions")
    grade_batch(BatchRequest(folder / "submissions", folder / "out", exercises=["linear_model"], seed=SEED,
                             limits=Limits(call_timeout_s=TIMEOUT_S)), pool=grading_pool)
    return {run.student: run.result for run in Gradebook(folder / "out" / FILE_NAME).latest_runs()}


@pytest.fixture(scope="module")
def batch(grading_pool, tmp_path_factory):
    """Every hostile submission and the controls, graded in one batch."""
    folder = tmp_path_factory.mktemp("hostile")
    submissions, out = folder / "submissions", folder / "out"
    submissions.mkdir()
    for case in [*IN_CALL, *AT_IMPORT]:
        shutil.copytree(CASES / case, submissions / case)
        shutil.copy(CASES / "_correct.py", submissions / case)
    for name, (make, _) in REJECTED.items():
        make(submissions / name)
    _controls(submissions)
    (submissions / HOSTILE_NAME).mkdir()
    shutil.copy(ROOT / "solutions" / "linear_model.py", submissions / HOSTILE_NAME)
    canary = folder / "canary.txt"
    canary.write_text("intact")
    listener = Listener()
    victims = [canary, submissions / "control_reference" / "linear_model.py", out / FILE_NAME]
    plan = {"port": listener.port, "targets": [str(v) for v in victims],
            "other_student_files": [str(submissions / "control_reference" / "linear_model.py")]}
    for case in ("opens_socket", "writes_outside_folder", "deletes_files", "reads_other_student"):
        (submissions / case / "hostile.json").write_text(json.dumps(plan))
    private_folders = set(grading_pool.tmp_dir.glob("grader-worker-*"))
    summary = grade_batch(BatchRequest(submissions, out, exercises=["linear_model"], seed=SEED,
                                       limits=Limits(call_timeout_s=TIMEOUT_S)), pool=grading_pool)
    runs = {run.student: run for run in Gradebook(out / FILE_NAME).latest_runs()}
    yield {"summary": summary, "runs": runs, "out": out, "folder": folder, "canary": canary,
           "listener": listener, "submissions": submissions, "private_folders": private_folders}
    listener.close()


def test_every_case_on_disk_is_in_a_table():
    on_disk = {p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert on_disk == set(IN_CALL) | set(AT_IMPORT)
    assert len(on_disk) + len(REJECTED) >= 25


def test_the_batch_finishes_with_one_run_per_submission(batch):
    expected = len(IN_CALL) + len(AT_IMPORT) + len(REJECTED) + len(CONTROLS) + 1
    assert batch["summary"].statuses == {"graded": expected - len(REJECTED), "rejected": len(REJECTED)}
    assert len(batch["runs"]) == expected


@pytest.mark.parametrize("case", sorted(IN_CALL))
def test_a_hostile_call_gets_its_verdict_and_the_rest_is_graded_as_usual(batch, case):
    outcome, words = IN_CALL[case]
    checks = {c.name: c for c in batch["runs"][case].result.checks}
    assert (checks[FORWARD].outcome, words in checks[FORWARD].message) == (outcome, True), checks[FORWARD].message
    others = {name: c.outcome for name, c in checks.items() if name != FORWARD}
    assert set(others.values()) == {"passed"}, others


@pytest.mark.parametrize("case", sorted(AT_IMPORT))
def test_a_hostile_import_fails_every_check_with_its_verdict(batch, case):
    outcome, words = AT_IMPORT[case]
    checks = batch["runs"][case].result.checks
    assert {c.outcome for c in checks} == {outcome}
    assert all(words in c.message for c in checks), checks[0].message


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_a_hostile_archive_or_folder_is_rejected_with_the_reason(batch, name):
    run = batch["runs"][name.removesuffix(".zip")]
    words = REJECTED[name][1]
    assert run.status == "rejected" and run.result.points == 0 and run.result.max_points == 12
    assert all(c.outcome == "forbidden" and words in c.message for c in run.result.checks), run.result.warnings


def test_the_controls_get_what_they_get_graded_alone(batch, baseline):
    for control in CONTROLS:
        alone = {c.id: (c.outcome, c.points) for c in baseline[control].checks}
        beside_hostile = {c.id: (c.outcome, c.points) for c in batch["runs"][control].result.checks}
        assert beside_hostile == alone, control
    assert batch["runs"]["control_reference"].result.points == 12
    assert batch["runs"][HOSTILE_NAME].result.points == 12


def test_nothing_outside_a_submission_was_touched(batch):
    assert batch["canary"].read_text() == "intact"
    assert (batch["submissions"] / "control_reference" / "linear_model.py").read_text() == \
        (ROOT / "solutions" / "linear_model.py").read_text()
    assert batch["listener"].connections == []
    assert not list(batch["folder"].rglob("evil.py")) and not Path("/tmp/evil.py").exists()
    assert not list(batch["out"].rglob(".staging"))


def test_no_process_a_submission_started_outlives_the_batch(batch):
    names = set()
    for entry in Path("/proc").iterdir():
        try:
            names.add((entry / "comm").read_text().strip())
        except OSError:
            continue
    assert not names & {"forkbomb", "escapee"}


def test_the_instructors_secret_reaches_no_worker_and_no_report(batch):
    assert INSTRUCTOR_SECRET[1] not in (batch["out"] / "gradebook.json").read_text()
    schemas.validate("gradebook", json.loads((batch["out"] / "gradebook.json").read_text()))
    assert batch["runs"]["reads_environment"].result.points == 12


def test_markup_from_students_is_inert_in_every_report(batch):
    out = batch["out"]
    pages = [out / "report.html", *(out / "students" / student_folder(name) / "report.html"
                                     for name in ("html_in_exception", HOSTILE_NAME))]
    for page in pages:
        text = page.read_text()
        assert "<script>alert" not in text and "<img src=x" not in text and 'href="javascript' not in text, page
    assert "&lt;img src=x onerror=alert(1)&gt;" in (out / "report.html").read_text()
    assert "&lt;script&gt;alert(" in pages[1].read_text()
    junit = JUnitXml.fromfile(str(out / "students" / student_folder("html_in_exception") / "junit.xml"))
    messages = [r.message for suite in junit for case in suite for r in case.result]
    assert any('<script>alert("owned")</script>' in (m or "") for m in messages)  # text, parsed back
    gradescope = json.loads((out / "gradescope" / student_folder("html_in_exception") / "results.json").read_text())
    schemas.validate("gradescope", gradescope)
    assert {t["output_format"] for t in gradescope["tests"]} == {"text"}


def test_a_flood_of_output_is_cut_short_in_the_report(batch):
    forward = {c.name: c for c in batch["runs"]["output_flood"].result.checks}[FORWARD]
    assert len(forward.output) < 20_000 and "bytes of output in all" in forward.output


def test_workers_leave_no_private_folder_behind(batch, grading_pool):
    deadline = time.monotonic() + 10  # a zygote removes a folder when it reaps the worker, a moment after
    while (left := set(grading_pool.tmp_dir.glob("grader-worker-*")) - batch["private_folders"]) and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == set()
