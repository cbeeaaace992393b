"""The class at a glance: the figures the class report shows, computed once from the students' runs.

Scores, how each check went across the class (which checks most students fail), and the
incidents an instructor should look at: timeouts, crashes, memory, exits, forbidden use,
rejected submissions and grader errors. Everything is counted from the stored
:class:`~grader.results.RunResult` of each student's latest run.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from grader.grade.gradebook import Run
from grader.render import first_line
from grader.shared.outcome import Outcome

#: Outcomes that say the student's code broke a limit or a rule, or the grader failed.
INCIDENT_OUTCOMES = tuple(o for o in Outcome if o.incident)


@dataclass
class CheckSummary:
    """How one check went across the class."""

    exercise: str
    name: str
    title: str
    kind: str
    hidden: bool
    max_points: float
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def graded(self) -> int:
        """Students this check was graded for (a skipped check was not)."""
        return sum(n for outcome, n in self.outcomes.items() if outcome != Outcome.SKIPPED)

    @property
    def passed(self) -> int:
        return self.outcomes.get(Outcome.PASSED, 0)

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.graded if self.graded else None


@dataclass
class Incident:
    """A student whose run had checks end by ``outcome``: how many, and the first reason."""

    student: str
    outcome: str
    count: int
    check: str
    message: str


@dataclass
class StudentRow:
    """One student's line in the report."""

    student: str
    status: str
    points: float
    max_points: float
    checks_passed: int
    checks_graded: int
    reason: str = ""

    @property
    def percent(self) -> float | None:
        return 100 * self.points / self.max_points if self.max_points else None


@dataclass
class ClassOverview:
    """Everything the class report shows."""

    students: list[StudentRow]
    checks: list[CheckSummary]
    incidents: list[Incident]

    @property
    def percents(self) -> list[float]:
        """Each graded student's score in percent of the points possible."""
        return [row.percent for row in self.students if row.percent is not None and row.status == "graded"]

    @property
    def mean_percent(self) -> float | None:
        return statistics.fmean(self.percents) if self.percents else None

    @property
    def median_percent(self) -> float | None:
        return statistics.median(self.percents) if self.percents else None

    @property
    def full_marks(self) -> int:
        return sum(p >= 100 - 1e-9 for p in self.percents)

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.students)


def class_overview(runs: list[Run]) -> ClassOverview:
    """The overview of ``runs``, each student's latest; checks ordered from the least passed."""
    checks: dict[str, CheckSummary] = {}
    students, incidents = [], []
    for run in runs:
        result = run.result
        graded = [c for c in result.checks if c.outcome != Outcome.SKIPPED]
        reason = first_line(result.warnings[0]) if run.status != "graded" and result.warnings else ""
        students.append(StudentRow(run.student, run.status, result.points, result.max_points,
                                   sum(c.passed for c in graded), len(graded), reason))
        for check in result.checks:
            summary = checks.setdefault(check.id, CheckSummary(check.exercise, check.name, check.title, check.kind,
                                                               check.hidden, check.max_points))
            summary.outcomes[check.outcome] = summary.outcomes.get(check.outcome, 0) + 1
        for outcome in INCIDENT_OUTCOMES:
            hits = [c for c in result.checks if c.outcome == outcome]
            if hits:
                incidents.append(Incident(run.student, outcome, len(hits), hits[0].title, first_line(hits[0].message)))
    ordered = sorted(checks.values(), key=lambda c: (c.pass_rate if c.pass_rate is not None else 2.0, c.exercise, c.name))
    return ClassOverview(students, ordered, incidents)
