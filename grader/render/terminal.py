"""The terminal report: one rich table per exercise, then the total and the run's warnings.

Every piece of text that came from a submission (messages, details) is built as a
:class:`rich.text.Text`, never as a markup string, so ``[bold]`` or ``[link=...]`` written by a
student prints literally instead of styling the grader's screen.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from grader.render import (
    check_score,
    first_line,
    format_score,
    outcome_label,
    shows_hint,
    summary_line,
    visible,
)
from grader.results import BenchResult, CheckResult, ExerciseResult, RunResult
from grader.shared.outcome import Outcome

_PASSED_STYLE = "bold green"
_FAILED_STYLE = "bold red"
_OUTCOME_STYLES = {
    Outcome.PASSED: _PASSED_STYLE,
    Outcome.NOT_IMPLEMENTED: "dim yellow",
    Outcome.SKIPPED: "dim",
    Outcome.GRADER_ERROR: "bold magenta",
}


def render_terminal(result: RunResult, console: Console) -> None:
    """Print ``result`` to ``console``: a table per exercise, the total, then any warnings."""
    for exercise in result.exercises:
        console.print(_exercise_table(exercise))
    total_style = _PASSED_STYLE if result.all_passed else _FAILED_STYLE
    console.print(Text.assemble(("Total: ", "bold"), (summary_line(result), total_style)))
    for warning in result.warnings:
        console.print(Text.assemble(("warning: ", "bold yellow"), visible(warning)))


def _exercise_table(exercise: ExerciseResult) -> Table:
    title = Text.assemble(
        (exercise.title, "bold"),
        f" ({exercise.name})  ",
        format_score(exercise.points, exercise.max_points),
    )
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=True)
    table.add_column("Check", ratio=1, overflow="fold")
    table.add_column("Kind", no_wrap=True)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Points", justify="right", no_wrap=True)
    for check in exercise.checks:
        table.add_row(
            _check_cell(check),
            Text(check.kind),
            Text(outcome_label(check.outcome), style=_outcome_style(check.outcome)),
            Text(check_score(check)),
        )
    return table


def _check_cell(check: CheckResult) -> RenderableType:
    """The check's title, and under a check that did not pass its reason and hint."""
    title = Text(check.title)
    if check.hidden:
        title.append(" (hidden)", style="dim italic")
    if check.passed:
        return title
    lines: list[RenderableType] = [title]
    reason = first_line(check.message)
    if reason:
        lines.append(Padding(Text(visible(reason)), (0, 0, 0, 2)))
    if shows_hint(check):
        hint = Text.assemble(("hint: ", "dim italic"), (visible(check.hint), "dim"))
        lines.append(Padding(hint, (0, 0, 0, 2)))
    return Group(*lines)


def _outcome_style(outcome: str) -> str:
    return _OUTCOME_STYLES.get(outcome, _FAILED_STYLE)



def render_bench(result: BenchResult, console: Console) -> None:
    """One row per measured object: the student's and the reference's items/s, their ratio."""
    table = Table(box=box.SIMPLE_HEAD, title="Throughput against the reference", title_justify="left")
    for column in ("object", "device", "yours (items/s)", "reference (items/s)", "ratio", "quartiles", "rounds"):
        table.add_column(column, justify="left" if column in ("object", "device") else "right")
    for m in result.measurements:
        low, high = m["ratio_quartiles"]
        style = "green" if m["median_ratio"] >= 0.9 else "yellow" if m["median_ratio"] >= 0.5 else "red"
        table.add_row(Text(m["title"]), m["device"], f"{m['student_items_per_s']:,.0f}",
                      f"{m['reference_items_per_s']:,.0f}", Text(f"{m['median_ratio']:.2f}", style=style),
                      f"{low:.2f}–{high:.2f}", str(len(m["ratios"])))
    console.print(table)
    for problem in result.problems:
        console.print(Text(problem, style="yellow"))
