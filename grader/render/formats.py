"""``grader check --format``: what a run prints for a person or for a CI system.

``terminal`` is the rich table; ``json``, ``junit`` and ``markdown`` print that one document
on standard output (the reports are written to ``--out`` as usual), so CI systems other than
GitHub can pipe it; ``github`` prints the table, an annotation per failing check, and appends
the Markdown summary to the job's step summary. On GitHub Actions ``github`` is the default.
``classroom``, for a GitHub Classroom assignment, writes the annotations and the summary as
``github`` does, prints one line instead of the table, and sets the step output ``result``
that Classroom's reporter turns into points (:mod:`grader.render.classroom`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from rich.console import Console

from grader.render.classroom import publish_to_classroom
from grader.render.github import commands_stopped, render_annotations
from grader.render.junit import render_junit
from grader.render.markdown import render_markdown
from grader.render.terminal import render_terminal
from grader.results import RunResult

FORMATS = ("terminal", "github", "classroom", "json", "junit", "markdown")
#: Formats whose whole standard output is one document, for a program to read.
DOCUMENT_FORMATS = ("json", "junit", "markdown")


def default_format(environ: Mapping[str, str]) -> str:
    """``github`` inside a GitHub Actions job, else ``terminal``."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "terminal"


def render_document(result: RunResult, output_format: str) -> str:
    """``result`` as the document of a :data:`DOCUMENT_FORMATS` format."""
    if output_format == "json":
        return result.to_json() + "\n"
    if output_format == "junit":
        return render_junit(result)
    if output_format == "markdown":
        return render_markdown(result)
    raise ValueError(f"{output_format!r} is not one of {DOCUMENT_FORMATS}")


def publish_to_github(result: RunResult, environ: Mapping[str, str], stream: TextIO) -> Path | None:
    """Write the annotations to ``stream`` and append the summary to ``$GITHUB_STEP_SUMMARY`` (if set).

    Returns the summary file written, or ``None`` outside a job.
    """
    stream.write(render_annotations(result, Path(environ["GITHUB_WORKSPACE"]) if environ.get("GITHUB_WORKSPACE") else None))
    stream.flush()
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return None
    path = Path(summary)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(render_markdown(result))
    return path


def print_for_github(result: RunResult, console: Console, environ: Mapping[str, str]) -> Path | None:
    """The ``github`` format: the table, with workflow commands stopped around it, then the annotations and summary."""
    with commands_stopped(console.file):
        render_terminal(result, console)
    return publish_to_github(result, environ, console.file)


def print_for_classroom(result: RunResult, console: Console, environ: Mapping[str, str]) -> Path | None:
    """The ``classroom`` format: the annotations and summary, one line, and the reporter's ``result`` output.

    Returns the output file written (``$GITHUB_OUTPUT``), or ``None`` outside a job.
    """
    publish_to_github(result, environ, console.file)
    return publish_to_classroom(result, environ, console.file)
