"""A trusted side kept alive between runs, for re-grading an exercise the moment it is saved.

A cold ``grader check`` pays for importing torch, pytest and the checks, and for starting
the zygote; a :class:`WarmChecker` pays once and then runs :func:`~grader.check.run.run_checks`
again for the exercises asked for, each run with fresh workers forked from the same zygote
(the student's modules are imported anew every time; the checks and references are not).
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from grader.check.launcher import Launcher, start_launcher
from grader.results import CheckResult, RunResult

if TYPE_CHECKING:  # grader.check.run imports torch, which the caller may still be waiting for
    from grader.check.run import CheckRequest


class WarmChecker:
    """Runs :func:`~grader.check.run.run_checks` repeatedly on one launcher, in this process."""

    def __init__(self, launcher: Launcher | None = None) -> None:
        self.launcher = launcher or start_launcher()

    def check(self, request: CheckRequest, on_result: Callable[[CheckResult], None] | None = None) -> RunResult:
        """Grade ``request`` as a cold run would, reusing what earlier runs imported."""
        from grader.check.run import freeze_heap, run_checks

        result = run_checks(request, launcher=self.launcher, on_result=on_result)
        freeze_heap()
        return result

    def close(self) -> None:
        """Stop the zygote, and with it every worker."""
        self.launcher.close()

    def __enter__(self) -> WarmChecker:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
