"""GitHub Actions output: an ``::error`` annotation per failing check, on the student's function.

The file and line come from reading the student's module with :mod:`ast` (parsed, never
imported): the ``def`` or ``class`` of the object the check's message names, else the one its
name or title names. GitHub shows at most ten error annotations of a step, so at most ten are
written, the student's own mistakes first.

The runner reads a workflow command from any log line that starts with ``::`` (after
whitespace) and from ``##[`` anywhere in a line. So whatever the grader prints that holds
student text (the table) is printed between ``::stop-commands::TOKEN`` and ``::TOKEN::``,
with a token drawn after the student's code has run (:func:`commands_stopped`); and inside an
annotation, a message is escaped by the workflow-command rules and its ``::`` and ``##[``
are broken up, so it can neither end the command early nor start another.
"""

from __future__ import annotations

import ast
import os
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from grader.render import outcome_label, shows_hint, visible
from grader.results import CheckResult, RunResult
from grader.shared.outcome import Outcome

#: A student's module larger than this is not parsed for line numbers (the annotation goes on line 1).
_MAX_SOURCE_BYTES = 1_000_000
#: An annotation shows the start of a long message; the summary and the report hold the rest.
_MAX_MESSAGE_CHARS = 2000
#: GitHub shows at most ten error annotations per step and drops the rest without a word.
MAX_ANNOTATIONS = 10
#: Which failures are annotated first: the student's own mistakes, then stubs not written yet,
#: then the grader's own errors (the student cannot fix those).
_TIERS = {Outcome.NOT_IMPLEMENTED: 1, Outcome.GRADER_ERROR: 2}
_KINDS = ("correctness", "property", "convergence", "performance")
#: ``name(`` or ``Class.method(`` in a message: the object it is about.
_CALLED = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\(")


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


def inert(text: str) -> str:
    """``text`` with every ``::`` and ``##[`` broken up (``: :``, ``# #[``): no workflow command can start in it."""
    while "::" in text or "##[" in text:
        text = text.replace("::", ": :").replace("##[", "# #[")
    return text


@contextmanager
def commands_stopped(stream: TextIO) -> Iterator[None]:
    """While the block prints to ``stream``, the runner reads no workflow command from the log.

    The token is drawn here, in the grader's process, after the student's code has run, so no
    student text can hold it and resume the commands early.
    """
    token = secrets.token_hex(16)
    stream.write(f"::stop-commands::{token}\n")
    stream.flush()
    try:
        yield
    finally:
        stream.flush()
        stream.write(f"::{token}::\n")
        stream.flush()


def render_annotations(result: RunResult, workspace: Path | None = None) -> str:
    """An ``::error`` line per failing check of ``result``, at most :data:`MAX_ANNOTATIONS`, most useful first.

    Passed and skipped checks get none; when more checks failed than GitHub shows, a
    ``::notice`` says how many more there are and where to read them.
    """
    submission = Path(result.submission)
    workspace = Path(workspace or os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    failing = sorted((check for check in result.checks if check.failed), key=_usefulness(result))
    lines = []
    for check in failing[:MAX_ANNOTATIONS]:
        where = locate(check, submission, workspace)
        title = f"{check.exercise}: {check.title} ({outcome_label(check.outcome)})"
        message = visible(check.message.strip())[:_MAX_MESSAGE_CHARS] or outcome_label(check.outcome)
        if shows_hint(check):
            message += f"\nHint: {check.hint}"
        lines.append(f"::error file={escape_property(where.file)},line={where.line},"
                     f"title={escape_property(inert(title))}::{escape_data(inert(message))}")
    if len(failing) > MAX_ANNOTATIONS:
        more = len(failing) - MAX_ANNOTATIONS
        lines.append(f"::notice title=More checks did not pass::{more} more check{'s' if more > 1 else ''} did not "
                     "pass; the job summary and the report list every one")
    return "\n".join(lines) + ("\n" if lines else "")


def _usefulness(result: RunResult) -> Callable[[CheckResult], tuple[int, int, int]]:
    """A sort key: the student's mistakes before stubs and grader errors, correctness first, then course order."""
    order = {id(check): index for index, check in enumerate(result.checks)}

    def key(check: CheckResult) -> tuple[int, int, int]:
        kind = _KINDS.index(check.kind) if check.kind in _KINDS else len(_KINDS)
        return _TIERS.get(check.outcome, 0), kind, order[id(check)]

    return key


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
        except (SyntaxError, ValueError, RecursionError, MemoryError):  # hostile nesting too
            tree = None
        if tree is not None:
            line = _definition_line(tree, obj.split(".")) or 1
    return Location(shown, line)


def object_of(check: CheckResult) -> str | None:
    """The exercise's object a check is about.

    The first one its message calls (``cost(...) returned ...`` is about ``cost`` whatever the
    check is named), else the longest one its name or title mentions, else the first.
    """
    from grader import catalog  # it imports torch, which only locating a check's line needs

    try:
        objects = catalog.find(check.exercise).objects
    except Exception:
        return None
    for called in _CALLED.findall(check.message or ""):
        named = [o for o in objects if o == called or o.split(".")[0] == called.split(".")[0]]
        if named:
            return called if called in named else min(named, key=len)
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
