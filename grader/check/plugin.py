"""The grader's pytest plugin: runs the checks and turns their outcomes into the results model.

It is the only module that talks to pytest. It provides the fixtures checks use
(``student``, ``rng``, ``exercise``), keeps the checks the run asked for, and records one
:class:`~grader.results.CheckResult` per check. Nothing else reaches into pytest.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from grader import catalog, references
from grader.bundle import golden
from grader.check.session import SubmissionSession
from grader.judge.core import Student, Verdict, title_of
from grader.results import CheckResult, ExerciseResult
from grader.shared.outcome import Outcome

log = logging.getLogger("grader")

_STUDENT_KEY = pytest.StashKey[Student]()


def check_metadata(item: pytest.Item) -> dict[str, Any] | None:
    """The ``@check`` metadata of a collected test, or ``None`` if it is not a check."""
    marker = item.get_closest_marker("grader")
    return dict(marker.kwargs) if marker is not None else None


def exercise_of(item: pytest.Item) -> str:
    """The exercise a check belongs to, from its module's name ``test_<exercise>``."""
    return Path(str(item.fspath)).stem.removeprefix("test_")


def check_name(item: pytest.Item) -> str:
    return item.name.removeprefix("test_")


def check_title(item: pytest.Item) -> str:
    return title_of(item.function)


class GraderPlugin:
    """Collects check outcomes for one submission into exercise results."""

    def __init__(
        self,
        session: SubmissionSession,
        exercises: list[catalog.Exercise],
        *,
        seed: int,
        include_hidden: bool,
        on_result: Callable[[CheckResult], None] | None = None,
    ) -> None:
        self.session = session
        self.exercises = exercises
        self.seed = seed
        self.include_hidden = include_hidden
        self.on_result = on_result
        self.results: dict[str, ExerciseResult] = {
            e.name: ExerciseResult(name=e.name, title=e.title) for e in exercises
        }
        self.collection_errors: list[str] = []
        self._reference_session: SubmissionSession | None = None

    def close(self) -> None:
        """Stop the reference's workers, if any check needed them."""
        if self._reference_session is not None:
            self._reference_session.close()

    # ------------------------------------------------------------------ collection

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "grader(points, kind, hint, hidden): grading metadata of a check")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext}")

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        wanted = [e.name for e in self.exercises]
        kept = []
        for item in items:
            meta = check_metadata(item)
            if meta is None:
                self.collection_errors.append(f"{item.nodeid} has no @check metadata")
                continue
            if exercise_of(item) in wanted and (self.include_hidden or not meta["hidden"]):
                kept.append(item)
        kept.sort(key=lambda item: wanted.index(exercise_of(item)))
        items[:] = kept

    # ------------------------------------------------------------------ fixtures

    @pytest.fixture
    def exercise(self, request: pytest.FixtureRequest) -> catalog.Exercise:
        """The catalog entry of the exercise this check belongs to."""
        return catalog.find(exercise_of(request.node))

    @pytest.fixture
    def student(self, request: pytest.FixtureRequest, exercise: catalog.Exercise) -> Iterator[Student]:
        """The student's code for this check's exercise, in a worker."""
        handle = self.session.student(exercise)
        request.node.stash[_STUDENT_KEY] = handle
        yield handle

    @pytest.fixture
    def reference_solution(self, exercise: catalog.Exercise) -> Student | ReferenceNotShipped:
        """The reference solution, run in a worker exactly like the student's code (for timing)."""
        if references.solutions_dir() is None or not golden.references_available():
            return ReferenceNotShipped()
        if self._reference_session is None:
            self._reference_session = SubmissionSession(
                self.session.launcher, references.solutions_dir(), self.session.limits, self.session.device
            )
        return self._reference_session.student(exercise)

    @property
    def base_seed(self) -> int:
        """The seed every check's inputs come from: the run's secret seed when hidden checks run, else 0.

        A public-only run (``grader check``, the students' bundle and its golden replay)
        draws the same inputs every time; a run with hidden checks (``grader grade``)
        draws all of them, public checks' too, from its secret seed, so a grade cannot be
        memorised from the public run.
        """
        return self.seed if self.include_hidden else 0

    def seed_for(self, item: pytest.Item, constant: int) -> int:
        """``constant`` in a public-only run; in a run with hidden checks, a seed derived from it, the check and the run."""
        if not self.include_hidden:
            return constant
        digest = hashlib.sha256(f"{self.seed}:{item.nodeid}:{constant}".encode()).digest()
        return int.from_bytes(digest[:4], "little") & 0x7FFFFFFF

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> torch.Generator:
        """A generator seeded from the run's base seed (see :attr:`base_seed`) and this check's name."""
        digest = hashlib.sha256(f"{self.base_seed}:{request.node.nodeid}".encode()).digest()
        generator = torch.Generator()
        generator.manual_seed(int.from_bytes(digest[:8], "little"))
        return generator

    @pytest.fixture
    def seeded(self, request: pytest.FixtureRequest) -> Callable[[int], int]:
        """``seeded(7)``: the seed a check passes where it picks inputs; 7 in a public-only run (see :meth:`seed_for`)."""
        return lambda constant: self.seed_for(request.node, constant)

    # ------------------------------------------------------------------ outcomes

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Seed torch's global generator per check, so a check draws the same numbers whatever ran before it.

        Golden fixtures (``grader.bundle.golden``) key the reference calls that draw from it by its state.
        """
        prefix = "global" if not self.include_hidden else f"global:{self.seed}"
        digest = hashlib.sha256(f"{prefix}:{item.nodeid}".encode()).digest()
        torch.manual_seed(int.from_bytes(digest[:8], "little"))
        unmet = self._unmet_prerequisites(item)
        if unmet:
            titles = " and ".join(f"'{c.title}'" for c in unmet)
            them = "it" if len(unmet) == 1 else "them"
            pytest.skip(f"not scored: {titles} did not pass, so this check would only repeat that mistake; "
                        f"fix {them} first, then this check runs")

    def _unmet_prerequisites(self, item: pytest.Item) -> list[CheckResult]:
        """The checks named in this check's ``after`` that ran in this session and did not pass."""
        names = (check_metadata(item) or {}).get("after", ())
        ran = {c.name: c for c in self.results[exercise_of(item)].checks} if names else {}
        return [ran[name] for name in names if name in ran and ran[name].failed]

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
        outcome = yield
        report = outcome.get_result()
        if call.when == "call" or (call.when == "setup" and report.outcome != Outcome.PASSED):
            self._record(item, call, report)

    def _record(self, item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
        meta = check_metadata(item) or {}
        result = CheckResult(
            exercise=exercise_of(item),
            name=check_name(item),
            title=check_title(item),
            kind=meta.get("kind", "correctness"),
            hidden=bool(meta.get("hidden")),
            max_points=float(meta.get("points", 0.0)),
            points=0.0,
            outcome=Outcome.PASSED,
            hint=meta.get("hint", ""),
            duration_s=round(call.duration, 4),
        )
        if report.skipped:
            result.outcome = Outcome.SKIPPED
            result.message = _skip_reason(report)
        elif call.excinfo is not None:
            self._judge_exception(result, call.excinfo, item)
        else:
            result.points = result.max_points
        handle = item.stash.get(_STUDENT_KEY, None)
        if handle is not None:
            result.output = handle.output()
            result.details = {**plain(handle.details), **result.details}
        if result.passed or result.outcome == Outcome.SKIPPED:
            result.hint = ""
        self.results[result.exercise].checks.append(result)
        if self.on_result is not None:
            self.on_result(result)

    def _judge_exception(self, result: CheckResult, excinfo: pytest.ExceptionInfo[BaseException], item: pytest.Item) -> None:
        error = excinfo.value
        if isinstance(error, Verdict):
            result.outcome = error.outcome
            result.message = error.message
            result.details = plain(error.details)
            if error.hint:
                result.hint = error.hint
        elif isinstance(error, AssertionError):
            result.outcome = Outcome.FAILED
            result.message = str(error).split("\nassert ")[0].strip() or "the check's assertion failed"
        else:
            result.outcome = Outcome.GRADER_ERROR
            result.message = (
                f"the grader itself failed on this check ({type(error).__name__}); "
                "this is not your fault: please report it"
            )
            log.error("check %s failed inside the grader:\n%s", item.nodeid, excinfo.getrepr(style="long"))


class ReferenceNotShipped:
    """Stands in for the reference's worker in a students' copy of the grader, which has no reference.

    Speed is measured against the reference running beside the student's code, so a
    performance check there is skipped, saying why, rather than judged against a guess.
    """

    timeout_s = 0.0

    def __init__(self) -> None:
        self.details: dict[str, Any] = {}

    def probe(self, probe: str, *, what: str, **args: Any) -> Any:
        raise Verdict(Outcome.SKIPPED, "speed is measured against the reference solution, which this copy of the grader "
                                 "does not hold; the course's grader measures it")

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.probe("common.call", what=name)


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def plain(value: Any) -> Any:
    """``value`` as JSON-safe plain data: non-finite floats become strings, tensors lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    if isinstance(value, torch.Tensor):
        return plain(value.tolist())
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value)

