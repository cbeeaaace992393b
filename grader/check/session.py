"""A submission being graded: its workers, one per exercise, started as checks need them.

Each exercise's modules are imported in a worker of their own, from a fresh copy of the
submission, so one exercise's crash or monkeypatching cannot touch another's checks. A
worker that dies is replaced at the next call; a module whose import kills, hangs or
fails is judged once and that verdict is given to every later check of the exercise.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from grader.catalog import Exercise
from grader.check.launcher import Launcher, Worker, WorkerDied
from grader.judge.core import Student, Verdict, verdict_from_reply
from grader.shared.limits import Limits

_NOT_COPIED = shutil.ignore_patterns("__pycache__", ".git", "*.pyc", ".ipynb_checkpoints")


class SubmissionSession:
    """The workers and verdicts of one submission during one run."""

    def __init__(self, launcher: Launcher, submission_dir: Path, limits: Limits, device: str = "cpu",
                 refused: dict[str, Verdict] | None = None) -> None:
        """``refused`` holds the verdicts of exercises whose code could not be taken in (an unreadable notebook)."""
        self.launcher = launcher
        self.submission_dir = Path(submission_dir).resolve()
        self.limits = limits
        self.device = device
        self.missing_protections: set[str] = set()
        self._scratch = tempfile.TemporaryDirectory(prefix="grader-")
        self._workers: dict[str, Worker] = {}
        self._broken: dict[str, Verdict] = dict(refused or {})
        self._copies = 0

    def student(self, exercise: Exercise) -> Student:
        """A handle on the student's code for ``exercise``, for one check."""
        return Student(exercise, lambda: self.worker(exercise), self.timeout(exercise), self.submission_dir)

    def timeout(self, exercise: Exercise) -> float:
        """Seconds one call of the student's code may take: the run's limit, else the exercise's."""
        return self.limits.call_timeout_s or exercise.call_timeout_s

    def worker(self, exercise: Exercise) -> Worker:
        """The live worker that has imported ``exercise``'s module, started if need be."""
        if exercise.name in self._broken:
            raise self._broken[exercise.name]
        worker = self._workers.get(exercise.name)
        if worker is not None and worker.dead is None:
            return worker
        worker = self.launcher.start_worker(self._fresh_copy(), self.limits, self.device, exercise.name)
        self.missing_protections.update(worker.missing_protections)
        what = f"importing {exercise.name}.py"
        worker.output_start = worker.tap.mark()
        try:
            reply = worker.call("common.load", self.timeout(exercise))
        except WorkerDied as died:
            self._broken[exercise.name] = self._with_import_output(Verdict(died.outcome, f"{what}: {died.message}"),
                                                                   worker)
            raise self._broken[exercise.name] from None
        if reply.status != "ok":
            verdict = self._with_import_output(verdict_from_reply(reply, what), worker)
            worker.close()
            self._broken[exercise.name] = verdict
            raise verdict
        self._workers[exercise.name] = worker
        return worker

    @staticmethod
    def _with_import_output(verdict: Verdict, worker: Worker) -> Verdict:
        """``verdict`` on an import that failed, with what the module printed before it failed."""
        printed = worker.tap.since(worker.output_start or 0)
        if printed.strip():
            verdict.details["printed_at_import"] = printed
        return verdict

    def _fresh_copy(self) -> Path:
        self._copies += 1
        target = Path(self._scratch.name) / f"work-{self._copies}"
        shutil.copytree(self.submission_dir, target, symlinks=True, ignore=_NOT_COPIED)
        return target

    def close(self) -> None:
        """Stop every worker and remove the copies of the submission."""
        for worker in self._workers.values():
            worker.close()
        self._workers.clear()
        self._scratch.cleanup()
