"""Shared fixtures: one zygote for the whole test session, and grading helpers.

Also the line between the fast tier and the rest: a test that starts a process (a zygote and
its workers, a grading pool, a fresh interpreter, a browser, the CLI) is marked ``slow``, by
the fixtures it uses (:data:`PROCESS_FIXTURES`) or by its own ``@pytest.mark.slow``, so that
``pytest -m "not slow"`` runs in seconds. A test left unmarked that starts a process anyway
fails, saying so (:func:`_starting_no_process`).
"""

from __future__ import annotations

import _posixsubprocess
import os
import shutil
import subprocess
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from grader.check.launcher import SpawnLauncher, ZygoteLauncher, start_launcher
from grader.check.run import CheckRequest, run_checks
from grader.grade.pool import GradingPool
from grader.results import RunResult

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = Path(__file__).parent / "submissions"
#: A secret in the environment of the process that starts the grading pool, as an
#: instructor's shell holds tokens: no worker may ever see it.
INSTRUCTOR_SECRET = ("GRADER_TEST_SECRET_TOKEN", "hunter2-do-not-leak")

#: Every fixture of tests/ that starts a process, by name, with the files that define it. A test
#: using one, directly or through another fixture, is marked ``slow``. A test that starts a process
#: itself (``subprocess``, ``os.fork``, the CLI, ``start_launcher``, Chromium) carries ``@pytest.mark.slow``.
PROCESS_FIXTURES: dict[str, tuple[str, ...]] = {
    "launcher": ("conftest.py",),  # the zygote, which imports torch, and the workers it forks
    "grading_pool": ("conftest.py",),  # two grading processes
    "grade": ("conftest.py",),  # run_checks on the session's zygote
    "worker": ("test_sandbox.py",),  # a worker of the zygote
    "sessions": ("test_throughput.py",),  # the student's and the reference's workers
    "bundle": ("test_bundle.py",),  # records the golden answers with the references in workers
    "bundle_python": ("test_bundle.py",),  # a virtual environment, and pip installing the bundle in it
    "batch": ("adversarial/test_adversarial.py", "adversarial/test_isolation.py", "test_roster.py"),  # batches (the second its own pool)
    "baseline": ("adversarial/test_adversarial.py",),  # a batch on the grading pool
    "shapes": ("adversarial/test_staging.py",),  # a batch on the grading pool
    "names": ("adversarial/test_staging.py",),  # a batch on the grading pool
    "judge_one_hot": ("adversarial/test_faking.py",),  # run_checks on the session's zygote
    "graded": ("adversarial/test_properties.py",),  # every case graded on the session's zygote
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that uses a fixture starting a process (as pytest's own test suite does)."""
    for item in items:
        if not PROCESS_FIXTURES.keys().isdisjoint(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Load matplotlib's font list before any test: on a machine without its cache (a fresh home
    folder) the first import runs ``fc-list`` once, a process no test of ours starts."""
    import matplotlib.font_manager  # noqa: F401


@contextmanager
def _starting_no_process(item: pytest.Item) -> Iterator[None]:
    """Around a test not marked ``slow``: make every way of starting a process fail the test, naming the fix."""
    if item.get_closest_marker("slow") is not None:
        yield
        return

    def refused(*args: object, **kwargs: object) -> None:
        pytest.fail(f"{item.nodeid} starts a process but is not marked slow: use a fixture of PROCESS_FIXTURES "
                    "(tests/conftest.py), add the fixture that starts it there, or mark the test "
                    "@pytest.mark.slow", pytrace=False)

    with pytest.MonkeyPatch.context() as patch:
        for owner, name in ((os, "fork"), (os, "forkpty"), (os, "posix_spawn"), (os, "posix_spawnp"),
                            (os, "system"), (subprocess, "_fork_exec"), (_posixsubprocess, "fork_exec")):
            if hasattr(owner, name):  # what the platform has; subprocess and multiprocessing end in these
                patch.setattr(owner, name, refused)
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """A fast test's fixtures start no process either."""
    with _starting_no_process(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Nor does the fast test itself."""
    with _starting_no_process(item):
        return (yield)


@pytest.fixture(scope="session")
def launcher() -> Iterator[ZygoteLauncher | SpawnLauncher]:
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
def grade(launcher: ZygoteLauncher | SpawnLauncher):
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
