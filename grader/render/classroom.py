"""GitHub Classroom's points: the ``result`` a grading step hands to Classroom's reporter.

GitHub Classroom's graders (``classroom-resources/autograding-command-grader``, ``-io-grader``,
``-python-grader``) each set a step output ``result``: base64 of a JSON document that
``autograding-grading-reporter`` decodes from ``<STEP ID>_RESULTS`` (``src/main.js``). Its
fields, as the reporter reads them:

- ``status``: ``pass``, ``fail`` or ``error``; ``fail`` or ``error`` fails the reporter's step;
- ``max_score``: the points this runner is worth; the reporter posts the sum of the tests'
  ``score`` over the sum of the runners' ``max_score`` (``src/notify-classroom.js``);
- ``tests``: each with ``name``, ``status``, ``score``, and ``line_no`` (shown after the name
  unless 0), ``message`` (printed for an ``error``), ``test_code`` (printed when not empty)
  (``src/console-results.js``); ``version``, ``filename``, ``max_score`` and
  ``execution_time`` are written as Classroom's graders write them.

Skipped checks are left out: they are worth nothing, and the reporter's table counts every
listed test in its pass rate. Whatever of the document the reporter prints goes to the job's
log, where a line may be read as a workflow command, so every text a student can shape (a
message) is shown visibly and has its ``::`` and ``##[`` broken up (:func:`~grader.render.github.inert`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from grader.render import outcome_label, shows_hint, summary_line, visible
from grader.render.github import inert, locate
from grader.results import CheckResult, RunResult
from grader.shared.outcome import Outcome

#: The name of the step output Classroom's reporter reads.
OUTPUT_NAME = "result"
#: The version of the format, as Classroom's graders write it.
FORMAT_VERSION = 1
#: A message is cut here: the report holds all of it, and the document travels in an environment variable.
_MAX_MESSAGE_CHARS = 2000


def render_classroom(result: RunResult, workspace: Path | None = None) -> dict[str, Any]:
    """``result`` as the document Classroom's reporter reads: one test per check that was not skipped."""
    checks = [c for c in result.checks if c.outcome != Outcome.SKIPPED]
    if result.has_grader_error:
        status = "error"
    else:
        status = "pass" if all(c.passed for c in checks) else "fail"
    return {
        "version": FORMAT_VERSION,
        "status": status,
        "max_score": float(result.max_points),
        "tests": [_test(check, result, workspace) for check in checks],
    }


def _test(check: CheckResult, result: RunResult, workspace: Path | None) -> dict[str, Any]:
    where = locate(check, Path(result.submission), workspace or Path.cwd())
    return {
        "name": inert(f"{check.exercise}: {check.title}"),
        "status": _STATUS.get(check.outcome, "fail"),
        "score": float(check.points),
        "max_score": float(check.max_points),
        "message": _message(check),
        "test_code": f"grader check {check.exercise}" if check.failed else "",
        "filename": where.file,
        "line_no": where.line if check.failed else 0,
        "execution_time": f"{round(check.duration_s * 1000)}ms",
    }


_STATUS = {Outcome.PASSED: "pass", Outcome.GRADER_ERROR: "error"}


def _message(check: CheckResult) -> str:
    if check.passed:
        return ""
    message = visible(check.message.strip())[:_MAX_MESSAGE_CHARS]
    text = f"{outcome_label(check.outcome)}: {message}" if message else outcome_label(check.outcome)
    if shows_hint(check):
        text += f"\nHint: {check.hint}"
    return inert(text)


def encode_classroom(document: dict[str, Any]) -> str:
    """The document as the reporter decodes it: base64 of its JSON, on one line."""
    return base64.b64encode(json.dumps(document, allow_nan=False).encode("utf-8")).decode("ascii")


def publish_to_classroom(result: RunResult, environ: Mapping[str, str], stream: TextIO) -> Path | None:
    """Append ``result=<base64 JSON>`` to ``$GITHUB_OUTPUT`` and print a short summary to ``stream``.

    Returns the output file written, or ``None`` outside a job (nothing is written then).
    """
    workspace = Path(environ["GITHUB_WORKSPACE"]) if environ.get("GITHUB_WORKSPACE") else None
    line = f"{OUTPUT_NAME}={encode_classroom(render_classroom(result, workspace))}\n"
    target = environ.get("GITHUB_OUTPUT")
    path = Path(target) if target else None
    if path is not None:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
    where = f"the step output '{OUTPUT_NAME}'" if path else "nothing ($GITHUB_OUTPUT is not set outside a job)"
    stream.write(f"{summary_line(result)}. For GitHub Classroom: {where}.\n")
    stream.flush()
    return path
