"""Shared fixtures: one zygote for the whole test session, and grading helpers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.engine import CheckRequest, run_checks
from grader.results import RunResult
from grader.workers import Zygote, Spawner, start_launcher

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = Path(__file__).parent / "submissions"


@pytest.fixture(scope="session")
def launcher() -> Iterator[Zygote | Spawner]:
    started = start_launcher("fork")
    yield started
    started.close()


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
