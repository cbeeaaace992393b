"""Renderers of the results model: terminal (rich), HTML page, JUnit XML and the report files.

Each renders a :class:`~grader.results.RunResult` and computes no numbers of its own. The
helpers here are the few words every renderer shares, so that the terminal, the HTML page and
the JUnit file name outcomes and totals the same way.
"""

from __future__ import annotations

from grader.results import CheckResult, RunResult
from grader.shared.outcome import Outcome
from grader.visible import visible_text


def outcome_label(outcome: str) -> str:
    """The words a report shows for an outcome (templates call it with the plain word)."""
    return Outcome(outcome).label


def format_score(points: float, max_points: float) -> str:
    """``points/max_points`` as a person writes them: ``1/2`` rather than ``1.0/2.0``, ``0.5/1``."""
    return f"{_number(points)}/{_number(max_points)}"


def check_score(check: CheckResult) -> str:
    """A check's score, or a dash for a skipped check, which counts for nothing."""
    return "—" if check.outcome == Outcome.SKIPPED else format_score(check.points, check.max_points)


def _number(points: float) -> str:
    return f"{round(points, 2):g}"


def first_line(text: str) -> str:
    """The first non-blank line of a message: the reason in one line."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def visible(text: str) -> str:
    """``text`` with control, bidi and invisible characters shown (``\\x1b``, ``<U+202E>``), line breaks kept."""
    return visible_text(text)


def shows_hint(check: CheckResult) -> bool:
    """Whether the exercise's hint helps here: only when the student's code is at fault."""
    return bool(check.hint) and check.failed and check.outcome != Outcome.GRADER_ERROR


def checks_passed_line(result: RunResult) -> str:
    """``N of K checks passed``; skipped checks are not counted in K."""
    graded = [c for c in result.checks if c.outcome != Outcome.SKIPPED]
    return f"{sum(c.passed for c in graded)} of {len(graded)} checks passed"


def summary_line(result: RunResult) -> str:
    """``P/M points — N of K checks passed``; skipped checks count in neither M nor K."""
    points = format_score(result.points, result.max_points)
    return f"{points} points — {checks_passed_line(result)}"
