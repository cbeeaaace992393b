"""JUnit XML for CI: one ``<testsuite>`` per exercise, one ``<testcase>`` per check.

Wrong answers are ``<failure>``; code that blew up, ran out of a limit or hit a grader defect
is ``<error>``, the split CI dashboards already know. Control, bidi and invisible characters
are shown as escapes (``\\x1b``, ``<U+202E>``), as in every report, and what XML 1.0 still
cannot carry is dropped, since student output holds such characters.

The document is valid under ``junit-10.xsd``, the schema Jenkins' xUnit plugin checks JUnit
reports against: so ``<testsuites>`` carries no ``skipped`` count, which that schema refuses;
each ``<testsuite>`` has its own, where pytest writes it too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from grader.render import first_line, shows_hint, visible
from grader.results import CheckResult, ExerciseResult, RunResult
from grader.shared.outcome import Outcome

#: The JUnit element each outcome that is not a pass or a skip becomes.
_VERDICT_TAGS = {
    **dict.fromkeys((Outcome.FAILED, Outcome.NOT_IMPLEMENTED, Outcome.FORBIDDEN), "failure"),
    **dict.fromkeys((Outcome.ERROR, Outcome.TIMEOUT, Outcome.MEMORY, Outcome.CRASHED, Outcome.EXITED,
                     Outcome.GRADER_ERROR), "error"),
}

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(result: RunResult) -> str:
    """``result`` as a JUnit XML document."""
    suites = ET.Element("testsuites", name="grader")
    for exercise in result.exercises:
        suites.append(_testsuite(exercise, result.started_at))
    _count(suites, result.checks)
    ET.indent(suites)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(suites, encoding="unicode")}\n'


def _testsuite(exercise: ExerciseResult, timestamp: str) -> ET.Element:
    suite = ET.Element("testsuite", name=_xml_text(exercise.name), timestamp=_xml_text(timestamp))
    _count(suite, exercise.checks)
    suite.set("skipped", str(sum(c.outcome == Outcome.SKIPPED for c in exercise.checks)))
    for check in exercise.checks:
        suite.append(_testcase(check))
    return suite


def _count(element: ET.Element, checks: list[CheckResult]) -> None:
    element.set("tests", str(len(checks)))
    element.set("failures", str(sum(_VERDICT_TAGS.get(c.outcome) == "failure" for c in checks)))
    element.set("errors", str(sum(_VERDICT_TAGS.get(c.outcome) == "error" for c in checks)))
    element.set("time", _seconds(sum(c.duration_s for c in checks)))


def _testcase(check: CheckResult) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=_xml_text(f"grader.{check.exercise}"),
        name=_xml_text(check.name),
        time=_seconds(check.duration_s),
    )
    if check.outcome == Outcome.SKIPPED:
        ET.SubElement(case, "skipped", message=_xml_text(first_line(check.message) or "skipped"))
    elif check.outcome in _VERDICT_TAGS:
        verdict = ET.SubElement(
            case,
            _VERDICT_TAGS[check.outcome],
            message=_xml_text(first_line(check.message)),
            type=check.outcome,
        )
        body = check.message
        if shows_hint(check):
            body += f"\n\nHint: {check.hint}"
        verdict.text = _xml_text(body)
    if check.output:
        ET.SubElement(case, "system-out").text = _xml_text(check.output)
    return case


def _seconds(duration_s: float) -> str:
    return f"{duration_s:.3f}"


def _xml_text(text: str) -> str:
    """``text`` with its acting characters shown, and without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", visible(text))
