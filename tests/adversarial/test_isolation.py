"""Submissions that attack what workers share: the instructor's folder, IPC, the disk, the grader's memory, time.

Every folder under ``_isolation/`` holds a ``linear_model.py`` that attacks in one way and
imports the rest, done right, from ``_correct.py``. They are graded in one batch, one at a
time and in name order (so a student who leaves something behind is graded before the one
who looks for it, and ``zz_leaves_an_escapee`` last), with a pool the batch starts and
stops itself, from an instructor's working folder holding notes a worker must never see,
as ``grader grade`` is run.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
from pathlib import Path

import pytest

from grader.grade.batch import BatchRequest, grade_batch
from grader.grade.gradebook import FILE_NAME, Gradebook
from grader.shared.limits import Limits

CASES = Path(__file__).parent / "_isolation"
CORRECT = Path(__file__).parent / "_correct.py"
TIMEOUT_S = 5.0
SEED = 20240502
FORWARD = "forward_matches_reference"
SECRET = "instructor-only-answer-key-7f3a"
#: What ``leaves_ipc_behind`` leaves: files named so in /dev/shm, and a SysV segment of this key.
SHM_PREFIX, SYSV_KEY = "grader-isolation", 0x6A7E5
ESCAPEE = "isolation-esc"
#: The outcome of forward's check for each case, and words its message holds.
EXPECTED = {
    "reads_instructor_folder": ("passed", ""),
    "leaves_ipc_behind": ("passed", ""),
    "reads_what_was_left": ("passed", ""),
    "fills_its_folder": ("error", "No space left on device"),
    "fills_shared_memory": ("error", "No space left on device"),
    "returns_oversized_frame": ("error", "at most 256 MB may come back from one call"),
    "zz_leaves_an_escapee": ("passed", ""),
}


def _processes_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == name:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _sysv_segment() -> int:
    """The id of the SysV segment ``leaves_ipc_behind`` makes, in this IPC namespace; -1 if none."""
    return ctypes.CDLL(None, use_errno=True).shmget(SYSV_KEY, 0, 0)


def _remove_leftovers() -> None:
    for path in Path("/dev/shm").glob(f"{SHM_PREFIX}*"):
        path.unlink(missing_ok=True)
    if (segment := _sysv_segment()) >= 0:
        ctypes.CDLL(None, use_errno=True).shmctl(segment, 0, None)  # IPC_RMID


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    course.chmod(0o755)  # as an instructor's folder usually is; pytest makes its folders 0700
    (course / "instructor_notes.py").write_text(f"ANSWER = {SECRET!r}\n")
    (course / "gradebook-marker.txt").write_text(SECRET)
    submissions = course / "submissions"
    for case in EXPECTED:
        shutil.copytree(CASES / case, submissions / case)
        shutil.copy(CORRECT, submissions / case)
    _remove_leftovers()
    limits = Limits(call_timeout_s=TIMEOUT_S, disk_mb=16, shm_mb=16)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(course)
            grade_batch(BatchRequest(submissions, course / "grades", exercises=["linear_model"], seed=SEED,
                                     limits=limits, workers=1))
        survivors = _processes_named(ESCAPEE)
        left_in_shm = sorted(p.name for p in Path("/dev/shm").glob(f"{SHM_PREFIX}*"))
        sysv_left = _sysv_segment() >= 0
        runs = {run.student: run for run in Gradebook(course / "grades" / FILE_NAME).latest_runs()}
        yield {"runs": runs, "survivors": survivors, "left_in_shm": left_in_shm, "sysv_left": sysv_left}
    finally:
        for pid in _processes_named(ESCAPEE):
            os.kill(pid, signal.SIGKILL)
        _remove_leftovers()


def test_every_case_on_disk_is_in_the_table():
    assert {p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_")} == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_attack_gets_its_verdict_and_the_rest_is_graded_as_usual(batch, case):
    outcome, words = EXPECTED[case]
    checks = {c.name: c for c in batch["runs"][case].result.checks}
    assert (checks[FORWARD].outcome, words in checks[FORWARD].message) == (outcome, True), checks[FORWARD].message
    # Importing ctypes (or the grader) hides what the code calls from the static property check.
    others = {name: c.outcome for name, c in checks.items()
              if name != FORWARD and not c.message.startswith("decided by reading the code")}
    assert set(others.values()) == {"passed"}, others


def test_a_worker_sees_nothing_of_the_instructors_working_folder(batch):
    forward = {c.name: c for c in batch["runs"]["reads_instructor_folder"].result.checks}[FORWARD]
    assert SECRET not in forward.message and forward.outcome == "passed", forward.message


def test_what_a_student_leaves_in_shared_memory_is_gone_before_the_next_student(batch):
    forward = {c.name: c for c in batch["runs"]["reads_what_was_left"].result.checks}[FORWARD]
    assert forward.outcome == "passed", forward.message
    assert batch["left_in_shm"] == [] and not batch["sysv_left"]


def test_no_process_the_last_student_started_outlives_the_batch(batch):
    assert batch["survivors"] == []


def test_the_protections_are_in_force_where_the_grader_runs_as_root(batch):
    if not (os.uname().sysname == "Linux" and os.geteuid() == 0):
        pytest.skip("the private folders and namespaces need root on Linux")
    warnings = [w for run in batch["runs"].values() for w in run.result.warnings]
    assert not [w for w in warnings if "not in force" in w or "protection" in w], warnings
