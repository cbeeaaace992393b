"""Shared fixtures: one zygote for the whole test session, and grading helpers."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.check.run import CheckRequest, run_checks
from grader.grade.pool import GradingPool
from grader.results import RunResult
from grader.check.launcher import Zygote, Spawner, start_launcher

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = Path(__file__).parent / "submissions"
#: A secret in the environment of the process that starts the grading pool, as an
#: instructor's shell holds tokens: no worker may ever see it.
INSTRUCTOR_SECRET = ("GRADER_TEST_SECRET_TOKEN", "hunter2-do-not-leak")


@pytest.fixture(scope="session")
def launcher() -> Iterator[Zygote | Spawner]:
    started = start_launcher("fork")
    yield started
    started.close()


@pytest.fixture(scope="session")
def grading_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GradingPool]:
    """Two grading processes for the whole session (started once: each imports torch)."""
    folder = tmp_path_factory.mktemp("grading-pool")
    os.environ[INSTRUCTOR_SECRET[0]] = INSTRUCTOR_SECRET[1]
    try:
        pool = GradingPool(2, folder / "logs", folder / "tmp")
    finally:
        del os.environ[INSTRUCTOR_SECRET[0]]
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def grade(launcher: Zygote | Spawner):
    """Grade a submission folder with public and hidden checks, with a fixed seed."""

    def run(submission: Path, *exercises: str, seed: int = 1234, **kwargs) -> RunResult:
        request = CheckRequest(submission=submission, exercises=list(exercises), include_hidden=True, seed=seed, **kwargs)
        return run_checks(request, launcher=launcher)

    return run


def submission_with(tmp_path: Path, exercise: str, source: Path) -> Path:
    """A submission folder holding ``source`` as ``<exercise>.py``."""
    folder = tmp_path / f"{exercise}-{source.stem}"
    folder.mkdir()
    shutil.copy(source, folder / f"{exercise}.py")
    return folder


def outcomes(result: RunResult) -> dict[str, str]:
    return {c.name: c.outcome for c in result.checks}
