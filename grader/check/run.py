"""Grading one submission: start workers, run the checks through pytest, collect results."""

from __future__ import annotations

import datetime
import gc
import importlib
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pytest
import torch

from grader import catalog, notebook, references
from grader.check.launcher import Launcher, start_launcher
from grader.check.plugin import GraderPlugin
from grader.check.session import SubmissionSession
from grader.judge.core import Verdict
from grader.judge.throughput import measure
from grader.results import BenchResult, CheckResult, ExerciseResult, RunResult
from grader.shared.limits import Limits
from grader.shared.outcome import Outcome
from grader.shared.speed import subjects

CHECKS_DIR = references.CHECKS_DIR
log = logging.getLogger("grader")


class UsageError(Exception):
    """A mistake in how the grader was asked to run (exit code 2)."""


@dataclass
class CheckRequest:
    """What to grade and how."""

    submission: Path
    exercises: list[str] = field(default_factory=list)
    include_hidden: bool = False
    seed: int | None = None
    limits: Limits = field(default_factory=Limits)
    device: str = "cpu"


def validated(submission: Path, names: list[str]) -> tuple[Path, list[catalog.Exercise]]:
    """The submission folder and the exercises asked for, or a :class:`UsageError` saying what is wrong."""
    submission = Path(submission)
    if not submission.is_dir():
        raise UsageError(f"No submission folder at '{submission}'. "
                         "Pass the folder holding your exercise modules with --submission.")
    try:
        return submission, catalog.select(names)
    except catalog.UnknownExercise as exc:
        raise UsageError(str(exc)) from None


def warm_up() -> None:
    """Pay here, once, what the first grading in a process pays: processes forked from this one find it paid.

    One torch thread, as :func:`run_checks` sets; and the first optimizer, which imports
    ``torch._dynamo`` (three seconds of CPU on a slow machine), as most references train.
    """
    torch.set_num_threads(1)
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1).step()


def freeze_heap() -> None:
    """After a run in a process that grades again: collect garbage once, then freeze what survives.

    pytest collects garbage at the end of every session; with torch's objects in the heap that
    took 1.8 s of the 2.3 s a linear_model submission took. Frozen objects are skipped: each run
    then walks only what it made itself, not what every earlier run imported and kept (checks,
    references, data), which made a re-check of linear_model cost 0.15-0.25 s more once
    autograd_training had been checked.
    """
    gc.collect()
    gc.freeze()


def grader_version() -> str:
    try:
        return metadata.version("torch-course-grader")
    except metadata.PackageNotFoundError:
        return "unknown"


def run_checks(
    request: CheckRequest,
    launcher: Launcher | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
) -> RunResult:
    """Grade ``request.submission``; start (and stop) a launcher unless one is given."""
    submission, exercises = validated(request.submission, request.exercises)
    seed = request.seed if request.seed is not None else secrets.randbits(32)
    # The references computed here share the machine with the workers: one thread each
    # keeps them from fighting over the cores (the workers set their own count).
    torch.set_num_threads(1)
    started, clock = datetime.datetime.now(datetime.UTC), time.perf_counter()
    own_launcher = launcher is None
    scratch = tempfile.TemporaryDirectory(prefix="grader-notebooks-")
    prepared = notebook.prepare(submission, [e.name for e in exercises], Path(scratch.name))
    refused = {name: Verdict(Outcome.ERROR, reason) for name, reason in prepared.problems.items()}
    launcher = launcher or start_launcher()
    session = SubmissionSession(launcher, prepared.folder, request.limits, request.device, refused)
    plugin = GraderPlugin(session, exercises, seed=seed, include_hidden=request.include_hidden, on_result=on_result)
    # Third-party pytest plugins are not the checks' (one could reorder them), and loading them
    # cost 0.3 s of a 1.1 s run of one exercise here.
    autoload = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        code = pytest.main(
            [
                *[str(CHECKS_DIR / f"test_{e.name}.py") for e in exercises],
                "-c", str(CHECKS_DIR / "pytest.ini"),
                "--rootdir", str(CHECKS_DIR),
                "-p", "no:cacheprovider",
                "-p", "no:terminal",
                "-p", "no:stepwise",
                "-p", "no:randomly",
                "-W", "ignore::DeprecationWarning",
            ],
            plugins=[plugin],
        )
    finally:
        if autoload is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = autoload
        plugin.close()
        session.close()
        scratch.cleanup()
        if own_launcher:
            launcher.close()
    if plugin.collection_errors or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise RuntimeError("the checks could not be run: " + "; ".join(plugin.collection_errors or [f"pytest exit code {code}"]))
    warnings = list(prepared.warnings)
    if launcher.mode != "fork":
        warnings.append("Workers were spawned, not forked: grading is slower and isolation weaker on this system.")
    if session.missing_protections:
        warnings.append("Protections not in force: " + ", ".join(sorted(session.missing_protections)) + ".")
    return run_result(request, submission, seed, started, clock, isolation=launcher.mode,
                      exercises=[plugin.results[e.name] for e in exercises], warnings=warnings)


def run_result(request: CheckRequest, submission: Path, seed: int, started: datetime.datetime, clock: float, *,
               isolation: str, exercises: list[ExerciseResult], warnings: list[str]) -> RunResult:
    """The :class:`RunResult` of grading ``request``, begun at ``started`` (``clock``: its ``perf_counter``)."""
    return RunResult(
        submission=str(submission),
        started_at=started.isoformat(timespec="seconds"),
        duration_s=round(time.perf_counter() - clock, 3),
        grader_version=grader_version(),
        seed=seed,
        include_hidden=request.include_hidden,
        isolation=isolation,
        exercises=exercises,
        warnings=warnings,
    )



@dataclass
class BenchRequest:
    """What to benchmark: the objects of ``exercises`` that have a throughput subject."""

    submission: Path
    exercises: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=lambda: ["cpu"])
    rounds: int = 7
    seed: int | None = None
    limits: Limits = field(default_factory=Limits)


def run_bench(request: BenchRequest, launcher: Launcher | None = None) -> BenchResult:
    """Measure the student's throughput against the reference for each benchmarked object."""
    submission, exercises = validated(request.submission, request.exercises)
    if references.solutions_dir() is None:
        raise UsageError("grader bench measures your code against the reference solutions, which this copy of the "
                         "grader does not hold; your course's grader runs it")
    generator = torch.Generator().manual_seed(request.seed if request.seed is not None else secrets.randbits(32))
    result = BenchResult()
    own_launcher = launcher is None
    launcher = launcher or start_launcher()
    try:
        for device in request.devices:
            if device.startswith("cuda") and not torch.cuda.is_available():
                result.problems.append(f"{device}: skipped, no CUDA device on this machine")
                continue
            sessions = [SubmissionSession(launcher, path, request.limits, device) for path in (submission, references.solutions_dir())]
            try:
                for exercise in exercises:
                    student, reference = (s.student(exercise) for s in sessions)
                    reference_module = importlib.import_module(f"solutions.{exercise.name}")
                    for name, subject in subjects().items():
                        if subject.exercise != exercise.name:
                            continue
                        try:
                            measured = measure(student, reference, name, reference_module, generator,
                                               rounds=request.rounds, device=device)
                            result.measurements.append(measured.to_details())
                        except Verdict as verdict:
                            result.problems.append(f"{name} on {device}: {verdict.message}")
            finally:
                for session in sessions:
                    session.close()
    finally:
        if own_launcher:
            launcher.close()
    return result
