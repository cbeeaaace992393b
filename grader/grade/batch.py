"""Grading a class: every submission under a folder, in parallel, into the gradebook, then the exports.

:func:`grade_batch` finds the submissions (a folder or a ``.zip`` per student), takes each
in through :mod:`grader.grade.archive` as it is about to be graded, hands it to the
:class:`~grader.grade.pool.GradingPool`, and appends each result to the
:class:`~grader.grade.gradebook.Gradebook` the moment it is known. A refused archive, a
submission that cannot be read or staged, a grader that fails on one submission, a
student's code that hangs or crashes: each becomes that student's run, and the batch goes
on. ``resume=True`` continues the last batch and grades only what it has no run for;
``students=[...]`` regrades those alone, as a new batch. Submissions with one content hash are
graded once and each gets those results as its own run; every batch also compares the
students' modules (:mod:`grader.grade.similarity`) for the class report and ``similarity.csv``.
With a roster (:mod:`grader.grade.roster`), read before anything is graded, the exports add
Canvas's and Moodle's grade imports.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import fcntl
import hashlib
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog, inventory
from grader.check.run import UsageError, grader_version
from grader.grade.archive import IGNORED, Rejected, content_hash, stage
from grader.grade.export import DEFAULT_ASSIGNMENT, write_exports
from grader.grade.gradebook import FILE_NAME, Batch, Gradebook, GradebookError
from grader.grade.pool import GradingPool, Job, JobDone
from grader.grade.roster import Matched, read_roster
from grader.grade.similarity import similarity_report
from grader.results import CheckResult, ExerciseResult, RunResult
from grader.shared.limits import Limits
from grader.shared.outcome import Outcome
from grader.visible import visible_name

log = logging.getLogger(__name__)

#: Seconds added to a submission's deadline, and how many times the sum of its checks'
#: call limits it may take: far more than grading ever needs, it only stops a grader that hangs.
_DEADLINE_BASE_S, _DEADLINE_FACTOR = 120.0, 4.0
_ERROR_CHARS = 300


@dataclass
class BatchRequest:
    """What to grade and where the gradebook lives."""

    submissions: Path
    out: Path
    exercises: list[str] = field(default_factory=list)
    students: list[str] = field(default_factory=list)
    workers: int | None = None
    limits: Limits = field(default_factory=Limits)
    include_hidden: bool = True
    seed: int | None = None
    resume: bool = False
    #: Grade on a Ray cluster instead of local processes: ``"local"`` (a cluster started on this
    #: machine), ``"auto"`` or a head node's address; ``None`` grades here.
    ray: str | None = None
    #: The CSV mapping each submission to its student in the LMS (:mod:`grader.grade.roster`), if any.
    roster: Path | None = None
    #: The title of the grade's column in the LMS files.
    assignment: str = DEFAULT_ASSIGNMENT


@dataclass(frozen=True)
class Submission:
    """One student's submission as found: a folder or an archive, and what it holds."""

    student: str
    path: Path
    content_hash: str
    #: Set when the submission could not be taken in as it was found: a status and why.
    verdict: tuple[str, str] | None = None

    @property
    def source(self) -> str:
        """The folder's or archive's name as text (a byte no encoding decodes shown as ``\\xNN``)."""
        return _text(self.path.name)


@dataclass
class Progress:
    """The batch so far, after each submission (and once at the start, with ``student`` empty)."""

    done: int
    total: int
    student: str = ""
    status: str = ""
    result: RunResult | None = None


@dataclass
class BatchSummary:
    """What one call of :func:`grade_batch` did."""

    batch_id: int
    resumed: bool
    found: int
    already_graded: int
    statuses: dict[str, int]
    skipped: list[str]
    outputs: dict[str, Path]
    duration_s: float
    #: Pairs of students whose modules of one exercise are alike past the similarity threshold.
    similar_pairs: int = 0
    #: With a roster: the roster against every student's latest run.
    roster: Matched | None = None

    @property
    def graded_now(self) -> int:
        return sum(self.statuses.values())


def default_workers() -> int:
    """Submissions graded at once by default: one per CPU core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def grade_batch(
    request: BatchRequest,
    on_progress: Callable[[Progress], None] | None = None,
    pool: GradingPool | None = None,
) -> BatchSummary:
    """Grade the submissions of ``request`` into its gradebook; write the exports and class report."""
    clock = time.perf_counter()
    root = Path(request.submissions)
    if not root.is_dir():
        raise UsageError(f"No submissions folder at '{root}'. Pass the folder holding one folder or .zip per student.")
    try:
        exercises = [e.name for e in catalog.select(request.exercises)]
    except catalog.UnknownExercise as exc:
        raise UsageError(str(exc)) from None
    roster = read_roster(request.roster) if request.roster is not None else None  # refused before grading
    out = Path(request.out)
    with _locked(out), _open_gradebook(out / FILE_NAME) as gradebook:
        batch, resumed = _batch(gradebook, request, root, exercises)
        limits = Limits.from_dict(batch.options["limits"])
        everyone, skipped = discover(root, limits)
        # A resumed batch keeps its own scope: a regrade of one student stays a regrade of one student.
        submissions = _only(everyone, request.students or batch.options.get("students", []), root)
        done = gradebook.graded_in(batch.id) if resumed else set()
        pending = [s for s in submissions if (s.student, s.content_hash) not in done]
        # What this batch has graded already, by content: an identical submission takes its results.
        graded = {run.content_hash: run.result for run in gradebook.runs_in(batch.id) if run.status == "graded"} \
            if resumed else {}
        statuses: dict[str, int] = {}

        def record(submission: Submission, status: str, result: RunResult) -> None:
            gradebook.record(batch.id, submission.student, submission.source, submission.content_hash, status, result)
            statuses[status] = statuses.get(status, 0) + 1
            if on_progress is not None:
                on_progress(Progress(sum(statuses.values()), len(pending), submission.student, status, result))

        if on_progress is not None:
            on_progress(Progress(0, len(pending)))
        if pending:
            _grade(pending, graded, batch, limits, out, request.workers, pool, record, request.ray)
        similarity = similarity_report(((s.student, s.path) for s in everyone), batch.options["exercises"], limits)
        runs = gradebook.latest_runs()
        matched = roster.match(runs) if roster is not None else None
        outputs = write_exports(runs, out, similarity, matched, request.assignment)
    return BatchSummary(batch.id, resumed, len(submissions), len(submissions) - len(pending), statuses, skipped,
                        outputs, round(time.perf_counter() - clock, 3), len(similarity.flagged), matched)


def discover(root: Path, limits: Limits) -> tuple[list[Submission], list[str]]:
    """The submissions under ``root`` by student name, and a note for each entry that is none.

    A submission that cannot be hashed (too deep, unreadable) is still found, with its verdict.
    """
    found: dict[str, Submission] = {}
    skipped = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name in IGNORED:
            continue
        if entry.is_symlink() or entry.is_dir():
            student = _text(entry.name)
        elif entry.suffix.lower() == ".zip":
            student = _text(entry.stem)
        else:
            skipped.append(f"{_text(entry.name)}: not a folder or a .zip archive")
            continue
        if student in found:
            raise UsageError(f"Two submissions for '{visible_name(student)}': '{found[student].source}' and "
                             f"'{_text(entry.name)}'. Keep one of them in the submissions folder.")
        found[student] = _found(student, entry, limits)
    return list(found.values()), skipped


def _found(student: str, entry: Path, limits: Limits) -> Submission:
    """``entry`` with its content hash, or with its verdict where it cannot be hashed."""
    try:
        if entry.is_symlink():
            return Submission(student, entry, hashlib.sha256(os.fsencode(os.readlink(entry))).hexdigest())
        return Submission(student, entry, content_hash(entry, limits))
    except Rejected as rejected:
        verdict = ("rejected", rejected.reason)
    except Exception as exc:  # whatever reading one student's files raises is that student's verdict
        log.warning("could not read the submission %r", entry, exc_info=True)
        verdict = ("failed", _unreadable(exc))
    # Named by its verdict: a resumed batch finds the same one and does not take it in again.
    return Submission(student, entry, hashlib.sha256(f"{verdict}".encode("utf-8", "surrogateescape")).hexdigest(),
                      verdict)


def _text(name: str) -> str:
    """A file name as text any output can hold: bytes that did not decode shown as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _unreadable(exc: BaseException) -> str:
    error = visible_name(f"{type(exc).__name__}: {exc}")[:_ERROR_CHARS]
    return f"Not graded: the grader could not take in the submission ({error}). This is not the student's fault; " \
           "see the grader's log and regrade this student."


def _only(submissions: list[Submission], students: list[str], root: Path) -> list[Submission]:
    if not students:
        return submissions
    by_name = {s.student: s for s in submissions}
    for name in students:
        if name not in by_name:
            close = difflib.get_close_matches(name, list(by_name), n=1)
            hint = f" Did you mean '{visible_name(close[0])}'?" if close else ""
            raise UsageError(f"No submission of '{visible_name(name)}' under '{root}'.{hint}")
    return [by_name[name] for name in dict.fromkeys(students)]


def _batch(gradebook: Gradebook, request: BatchRequest, root: Path, exercises: list[str]) -> tuple[Batch, bool]:
    """The last batch, to resume, or a new one recording how this one grades."""
    if request.resume:
        last = gradebook.last_batch()
        if last is not None:
            return last, True
    options = {"exercises": exercises, "include_hidden": request.include_hidden, "limits": request.limits.to_dict(),
               "students": list(request.students)}
    seed = request.seed if request.seed is not None else secrets.randbits(32)
    return gradebook.start_batch(root.resolve(), seed, options, grader_version()), False


def _grade(pending: list[Submission], graded: dict[str, RunResult], batch: Batch, limits: Limits, out: Path,
           workers: int | None, pool: GradingPool | None, record: Callable[[Submission, str, RunResult], None],
           ray: str | None = None) -> None:
    """Grade ``pending``, each content once: identical submissions, and those ``graded`` holds, share results."""
    staging = out / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)  # other students' submissions: root's alone, whatever a worker's user may enter
    exercises = batch.options["exercises"]
    include_hidden = bool(batch.options["include_hidden"])
    by_key = {s.student: s for s in pending}
    alike: dict[str, list[Submission]] = {}  # content hash -> the submissions holding it; the first is graded
    for submission in pending:
        if submission.verdict is None:
            alike.setdefault(submission.content_hash, []).append(submission)
    own_pool = pool is None
    if pool is None and ray is not None:
        try:
            from grader.grade.ray_pool import RayGradingPool
        except ImportError:
            raise UsageError("Grading on Ray needs Ray installed here and on every node: "
                             "pip install 'torch-course-grader[ray]'.") from None
        pool = RayGradingPool(ray)
    elif pool is None:
        pool = GradingPool(min(workers or default_workers(), len(pending)), out / "logs", staging / "tmp")

    def refuse(submission: Submission, status: str, reason: str) -> None:
        outcome, message = (Outcome.FORBIDDEN, f"The submission was rejected: {reason}") if status == "rejected" \
            else (Outcome.GRADER_ERROR, reason)
        record(submission, status, _unfinished(submission, batch, exercises, include_hidden, [], outcome, message))

    def jobs() -> Iterator[Job]:
        for number, submission in enumerate(pending):
            if submission.verdict is not None:
                refuse(submission, *submission.verdict)
                continue
            copies = alike[submission.content_hash]
            if submission is not copies[0]:
                continue  # graded with the first of its copies
            if submission.content_hash in graded:
                for copy in copies:
                    record(copy, "graded", dataclasses.replace(graded[copy.content_hash], submission=copy.source))
                continue
            try:
                folder = stage(submission.path, staging / f"submission-{number}", limits)
            except Rejected as rejected:
                for copy in copies:
                    refuse(copy, "rejected", rejected.reason)
                continue
            except Exception as exc:  # one submission the grader cannot stage stops nobody else's grading
                log.warning("could not stage the submission %r", submission.path, exc_info=True)
                for copy in copies:
                    refuse(copy, "failed", _unreadable(exc))
                continue
            yield Job(submission.student, folder, exercises, include_hidden, _seed(batch.seed, submission.student),
                      limits, _deadline(exercises, include_hidden, limits))

    try:
        for outcome in pool.grade(jobs()):
            for copy in alike[by_key[outcome.job.key].content_hash]:
                record(copy, *_judged(outcome, copy, batch, exercises, include_hidden))
            shutil.rmtree(outcome.job.submission, ignore_errors=True)
    finally:
        if own_pool:
            pool.close()
        shutil.rmtree(staging, ignore_errors=True)


def _judged(outcome: JobDone, submission: Submission, batch: Batch, exercises: list[str],
            include_hidden: bool) -> tuple[str, RunResult]:
    if outcome.result is not None:
        return "graded", dataclasses.replace(outcome.result, submission=submission.source)
    message = f"Not graded: {outcome.error}. This is not the student's fault; regrade this student."
    return "failed", _unfinished(submission, batch, exercises, include_hidden, outcome.finished_checks,
                                 Outcome.GRADER_ERROR, message)


def _unfinished(submission: Submission, batch: Batch, exercises: list[str], include_hidden: bool,
                finished: list[CheckResult], outcome: str, message: str) -> RunResult:
    """A run whose checks did not all run: those that did, and ``outcome`` with ``message`` for the rest."""
    seen = {c.id for c in finished}
    results = []
    for name in exercises:
        exercise = catalog.find(name)
        checks = [c for c in finished if c.exercise == name]
        for info in inventory.checks_of(exercise):
            if (include_hidden or not info.hidden) and f"{name}::{info.name}" not in seen:
                checks.append(CheckResult(exercise=name, name=info.name, title=info.title, kind=info.kind,
                                          hidden=info.hidden, max_points=float(info.points), points=0.0,
                                          outcome=outcome, message=message))
        results.append(ExerciseResult(name=name, title=exercise.title, checks=checks))
    return RunResult(
        submission=submission.source,
        started_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        duration_s=0.0,
        grader_version=grader_version(),
        seed=_seed(batch.seed, submission.student),
        include_hidden=include_hidden,
        isolation="none",
        exercises=results,
        warnings=[message],
    )


def _seed(batch_seed: int, student: str) -> int:
    """Each student's hidden inputs: drawn from the batch's seed, different for every student."""
    return int.from_bytes(hashlib.sha256(f"{batch_seed}:{student}".encode()).digest()[:4], "little")


def _deadline(exercises: list[str], include_hidden: bool, limits: Limits) -> float:
    total = 0.0
    for name in exercises:
        exercise = catalog.find(name)
        checks = [c for c in inventory.checks_of(exercise) if include_hidden or not c.hidden]
        total += len(checks) * (limits.call_timeout_s or exercise.call_timeout_s)
    return _DEADLINE_BASE_S + _DEADLINE_FACTOR * total


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold ``out``'s lock for the batch: one batch at a time writes a gradebook."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"Another 'grader grade' is writing to '{out}'. Wait for it to finish, "
                             "or choose another --out folder.") from None
        yield


@contextmanager
def _open_gradebook(path: Path) -> Iterator[Gradebook]:
    try:
        gradebook = Gradebook(path)
    except GradebookError as exc:
        raise UsageError(str(exc)) from None
    try:
        yield gradebook
    finally:
        gradebook.close()
