"""GitHub Actions output: an ``::error`` annotation per failing check, on the student's function.

The file and line come from reading the student's module with :mod:`ast` (parsed, never
imported): the ``def`` or ``class`` of the object the check is about. Every value is escaped
by the workflow-command rules, so a message cannot end the command early or forge another.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from pathlib import Path

from grader import catalog
from grader.render import outcome_label, shows_hint, visible
from grader.results import CheckResult, RunResult

#: A student's module larger than this is not parsed for line numbers (the annotation goes on line 1).
_MAX_SOURCE_BYTES = 1_000_000
#: An annotation shows the start of a long message; the summary and the report hold the rest.
_MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class Location:
    """Where an annotation points: a file (relative to the workspace, with ``/``) and a line."""

    file: str
    line: int


def escape_data(text: str) -> str:
    """A workflow command's message, escaped: ``%``, ``\\r`` and ``\\n``."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value, escaped: as a message, and ``:`` and ``,`` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_annotations(result: RunResult, workspace: Path | None = None) -> str:
    """One ``::error`` line per failing check of ``result`` (nothing for passed or skipped checks)."""
    submission = Path(result.submission)
    workspace = Path(workspace or os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    lines = []
    for check in result.checks:
        if not check.failed:
            continue
        where = locate(check, submission, workspace)
        title = f"{check.exercise}: {check.title} ({outcome_label(check.outcome)})"
        message = visible(check.message.strip())[:_MAX_MESSAGE_CHARS] or outcome_label(check.outcome)
        if shows_hint(check):
            message += f"\nHint: {check.hint}"
        lines.append(f"::error file={escape_property(where.file)},line={where.line},"
                     f"title={escape_property(title)}::{escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def locate(check: CheckResult, submission: Path, workspace: Path) -> Location:
    """The file and line of the object ``check`` is about, in the student's module."""
    path = submission / f"{check.exercise}.py"
    try:
        shown = path.resolve().relative_to(workspace.resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    line = 1
    obj = object_of(check)
    if obj is not None and path.is_file() and path.stat().st_size <= _MAX_SOURCE_BYTES:
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            tree = None
        if tree is not None:
            line = _definition_line(tree, obj.split(".")) or 1
    return Location(shown, line)


def object_of(check: CheckResult) -> str | None:
    """The exercise's object a check is about: the longest one its name or title mentions, else the first."""
    try:
        objects = catalog.find(check.exercise).objects
    except Exception:
        return None
    words = f"{check.name} {check.title}".lower()
    mentioned = [o for o in objects if _mentions(words, o)]
    if mentioned:
        return max(mentioned, key=len)
    return objects[0] if objects else None


def _mentions(words: str, obj: str) -> bool:
    """Whether ``words`` name ``obj`` (for a method, its class) as a whole word; ``_`` separates words."""
    name = obj.split(".")[0].lower()
    return re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", words) is not None


def _definition_line(tree: ast.Module, path: list[str]) -> int | None:
    body: list[ast.stmt] = tree.body
    line = None
    for part in path:
        found = next((node for node in body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                      and node.name == part), None)
        if found is None:
            return line
        line, body = found.lineno, getattr(found, "body", [])
    return line
