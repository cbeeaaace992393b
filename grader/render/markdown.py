"""The results as Markdown: a CI job's summary page (GitHub's step summary, a merge request note).

The grader's own words are escaped (HTML neutralised, Markdown's punctuation backslashed);
text that may hold a student's words (a check's message, a warning) is shown as a code span,
inside which GitHub makes no link, no emoji (``:shortcode:``), no HTML and no formatting, and
whose ``|`` is escaped so it opens no table column.
"""

from __future__ import annotations

import html
import re

from grader.render import check_score, first_line, format_score, outcome_label, shows_hint, summary_line, visible
from grader.results import CheckResult, RunResult
from grader.shared.outcome import Outcome

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>])")
_OUTCOME_MARKS = {Outcome.PASSED: "✅", Outcome.SKIPPED: "⏭️", Outcome.NOT_IMPLEMENTED: "🚧"}


def markdown_text(text: str) -> str:
    """``text`` on one line, shown literally in Markdown: no HTML, no links, no table breaks."""
    one_line = " ".join(visible(text).split())
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(one_line, quote=False))


def markdown_code(text: str, *, in_table: bool = True) -> str:
    """``text`` on one line as a code span: shown literally, whatever it holds."""
    one_line = " ".join(visible(text).split())
    if not one_line:
        return ""
    if in_table:
        one_line = one_line.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", one_line)), default=0) + 1)
    return f"{fence} {one_line} {fence}"


def render_markdown(result: RunResult) -> str:
    """``result`` as a Markdown page: the total, a line per exercise, then a row per check."""
    lines = [f"## Grader: {markdown_text(summary_line(result))}", ""]
    lines += ["| exercise | points | result |", "| --- | --- | --- |"]
    for exercise in result.exercises:
        verdict = "✅ all passed" if exercise.all_passed else "❌ " + markdown_text(
            f"{sum(c.failed for c in exercise.checks)} not passed")
        lines.append(f"| {markdown_text(exercise.name)} | {format_score(exercise.points, exercise.max_points)} "
                     f"| {verdict} |")
    for exercise in result.exercises:
        lines += ["", f"### {markdown_text(exercise.name)}: {markdown_text(exercise.title)}", "",
                  "| | check | points | why | hint |", "| --- | --- | --- | --- | --- |"]
        lines += [_check_row(check) for check in exercise.checks]
    if result.warnings:
        lines += ["", "**Warnings**", ""] + [f"- {markdown_code(w, in_table=False)}" for w in result.warnings]
    return "\n".join(lines) + "\n"


def _check_row(check: CheckResult) -> str:
    mark = _OUTCOME_MARKS.get(check.outcome, "❌")
    why = "" if check.passed else f"{outcome_label(check.outcome)}: {first_line(check.message)}"
    hint = check.hint if shows_hint(check) else ""
    return (f"| {mark} | {markdown_text(check.title)} | {check_score(check)} | {markdown_code(why)} "
            f"| {markdown_text(hint)} |")
