"""The gradebook: every batch and every run of every submission, in one SQLite file.

Runs are appended, never changed or deleted (triggers refuse it), so the history of a
student's grades is kept whole. A run and its checks are written in one transaction when
the submission's grading ends: a batch killed at any moment holds whole runs only, and
``--resume`` grades exactly the submissions whose ``(student, content hash)`` the batch
has no run for. The stored result is the :class:`~grader.results.RunResult` as JSON; the
columns beside it are there for queries, and say nothing the JSON does not.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.results import RunResult

SCHEMA_VERSION = 1
FILE_NAME = "gradebook.sqlite"

#: How a run ended: its checks ran; the submission was refused at intake; the grader failed.
STATUSES = ("graded", "rejected", "failed")

_SCHEMA = """
CREATE TABLE batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    submissions_dir TEXT NOT NULL,
    seed INTEGER NOT NULL,
    options TEXT NOT NULL,
    grader_version TEXT NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    student TEXT NOT NULL,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('graded', 'rejected', 'failed')),
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    finished_at TEXT NOT NULL,
    result TEXT NOT NULL,
    UNIQUE (batch_id, student, content_hash)
);
CREATE INDEX runs_by_student ON runs (student, id);
CREATE TABLE checks (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    exercise TEXT NOT NULL,
    name TEXT NOT NULL,
    hidden INTEGER NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    PRIMARY KEY (run_id, exercise, name)
);
CREATE TRIGGER runs_are_never_changed BEFORE UPDATE ON runs
    BEGIN SELECT RAISE(ABORT, 'runs are append-only'); END;
CREATE TRIGGER runs_are_never_deleted BEFORE DELETE ON runs
    BEGIN SELECT RAISE(ABORT, 'runs are append-only'); END;
CREATE TRIGGER checks_are_never_changed BEFORE UPDATE ON checks
    BEGIN SELECT RAISE(ABORT, 'checks are append-only'); END;
CREATE TRIGGER checks_are_never_deleted BEFORE DELETE ON checks
    BEGIN SELECT RAISE(ABORT, 'checks are append-only'); END;
"""


class GradebookError(Exception):
    """A gradebook this grader cannot use (another schema, a damaged file)."""


@dataclass(frozen=True)
class Batch:
    """One ``grader grade`` batch: its seed and options, kept so that ``--resume`` grades alike."""

    id: int
    started_at: str
    submissions_dir: str
    seed: int
    options: dict[str, Any]


@dataclass(frozen=True)
class Run:
    """One submission's grading as the gradebook holds it."""

    id: int
    batch_id: int
    student: str
    source: str
    content_hash: str
    status: str
    finished_at: str
    result: RunResult


class Gradebook:
    """The SQLite gradebook in a batch's output folder. Only the batch's driver writes it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._create_or_check()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise GradebookError(f"'{self.path}' is not a gradebook this grader can read ({exc}); "
                                 "choose another --out folder") from None

    def _create_or_check(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            with self._transaction():
                self._db.executescript(f"BEGIN; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        elif version != SCHEMA_VERSION:
            raise GradebookError(f"'{self.path}' has gradebook schema {version}; this grader reads "
                                 f"schema {SCHEMA_VERSION}. Use the grader version that wrote it, or another --out folder")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()

    def start_batch(self, submissions_dir: Path, seed: int, options: dict[str, Any], grader_version: str) -> Batch:
        """Record a new batch and return it."""
        started = _now()
        cursor = self._db.execute(
            "INSERT INTO batches (started_at, submissions_dir, seed, options, grader_version) VALUES (?, ?, ?, ?, ?)",
            (started, str(submissions_dir), seed, json.dumps(options, sort_keys=True), grader_version),
        )
        return Batch(int(cursor.lastrowid), started, str(submissions_dir), seed, options)

    def last_batch(self) -> Batch | None:
        """The batch started last, the one ``--resume`` continues."""
        row = self._db.execute(
            "SELECT id, started_at, submissions_dir, seed, options FROM batches ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return Batch(row[0], row[1], row[2], row[3], json.loads(row[4])) if row else None

    def graded_in(self, batch_id: int) -> set[tuple[str, str]]:
        """The ``(student, content hash)`` pairs ``batch_id`` holds a run for."""
        rows = self._db.execute("SELECT student, content_hash FROM runs WHERE batch_id = ?", (batch_id,))
        return {(student, digest) for student, digest in rows}

    def record(self, batch_id: int, student: str, source: str, content_hash: str, status: str,
               result: RunResult) -> int:
        """Append one run and its checks, all or nothing; return the run's id."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        self._db.execute("BEGIN IMMEDIATE")
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO runs (batch_id, student, source, content_hash, status, points, max_points, finished_at,"
                " result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (batch_id, student, source, content_hash, status, result.points, result.max_points, _now(),
                 result.to_json()),
            )
            run_id = int(cursor.lastrowid)
            self._db.executemany(
                "INSERT INTO checks (run_id, exercise, name, hidden, kind, outcome, points, max_points)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, c.exercise, c.name, int(c.hidden), c.kind, c.outcome, c.points, c.max_points)
                 for c in result.checks],
            )
            self._db.execute("COMMIT")
        return run_id

    def latest_runs(self) -> list[Run]:
        """Each student's most recent run, by student name: what the exports show."""
        return self._runs(
            "SELECT * FROM runs WHERE id IN (SELECT MAX(id) FROM runs GROUP BY student) ORDER BY student"
        )

    def history(self, student: str) -> list[Run]:
        """Every run of ``student``, oldest first."""
        return self._runs("SELECT * FROM runs WHERE student = ? ORDER BY id", (student,))

    def runs_in(self, batch_id: int) -> list[Run]:
        """The runs of one batch, in the order they finished."""
        return self._runs("SELECT * FROM runs WHERE batch_id = ? ORDER BY id", (batch_id,))

    def _runs(self, query: str, parameters: tuple[Any, ...] = ()) -> list[Run]:
        cursor = self._db.execute(query, parameters)
        columns = [d[0] for d in cursor.description]
        runs = []
        for values in cursor:
            row = dict(zip(columns, values))
            runs.append(Run(id=row["id"], batch_id=row["batch_id"], student=row["student"], source=row["source"],
                            content_hash=row["content_hash"], status=row["status"],
                            finished_at=row["finished_at"], result=RunResult.from_dict(json.loads(row["result"]))))
        return runs


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
