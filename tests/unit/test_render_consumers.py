"""The renderers' shared words, and their documents as their consumers read them: HTML parsed, JUnit per outcome."""

from __future__ import annotations

import json
from collections import Counter
from html.parser import HTMLParser

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from grader.render import (
    check_score,
    checks_passed_line,
    first_line,
    format_score,
    outcome_label,
    shows_hint,
    summary_line,
)
from grader.render.formats import render_document
from grader.render.html import render_html
from grader.render.junit import render_junit
from grader.results import CheckResult, ExerciseResult, RunResult
from grader.shared.outcome import Outcome
from grader.visible import visible_text

HOSTILE = ('<script>alert(1)</script><img src=x onerror=alert(2)>"\' onmouseover="x" '
           '</pre></td></table><a href="javascript:alert(3)">x</a>\x1b[2J\u202e')


def check(name: str, outcome: str, points: float = 0.0, max_points: float = 1.0, **fields) -> CheckResult:
    return CheckResult(exercise="linear_model", name=name, title=name.replace("_", " "), kind="correctness",
                       hidden=False, max_points=max_points, points=points, outcome=outcome, **fields)


def run(*checks: CheckResult, **fields) -> RunResult:
    values = dict(submission="submissions/alice", started_at="2026-01-01T00:00:00+00:00", duration_s=2.0,
                  grader_version="t", seed=5, include_hidden=False, isolation="fork",
                  exercises=[ExerciseResult("linear_model", "Gradient by hand", list(checks))])
    values.update(fields)
    return RunResult(**values)


# ----------------------------------------------------------------------------- the shared words


@pytest.mark.parametrize(("points", "max_points", "shown"), [
    (1.0, 2.0, "1/2"), (0.5, 1.0, "0.5/1"), (0.0, 3.0, "0/3"), (2 / 3, 1.0, "0.67/1"), (12.0, 12.0, "12/12"),
])
def test_a_score_is_written_as_people_write_it(points, max_points, shown):
    assert format_score(points, max_points) == shown


def test_a_skipped_check_scores_a_dash_and_others_their_points():
    assert check_score(check("gpu", "skipped", max_points=2.0)) == "—"
    assert check_score(check("cost", "failed", 0.0, 2.0)) == "0/2"


def test_the_reason_is_the_first_line_that_is_not_blank():
    assert first_line("\n  \n  cost() is 3\nsecond") == "cost() is 3"
    assert first_line("") == "" and first_line("\n\n") == ""


@pytest.mark.parametrize(("outcome", "hint", "shown"), [
    ("failed", "divide by the count", True),
    ("timeout", "avoid Python loops", True),
    ("not_implemented", "start from the notes", True),
    ("grader_error", "divide by the count", False),
    ("passed", "divide by the count", False),
    ("skipped", "divide by the count", False),
    ("failed", "", False),
])
def test_a_hint_is_shown_only_where_the_students_code_is_at_fault(outcome, hint, shown):
    assert shows_hint(check("cost", outcome, hint=hint)) is shown


def test_skipped_checks_count_in_neither_the_points_nor_the_checks_passed():
    result = run(check("a", "passed", 1.0), check("b", "failed"), check("c", "skipped", max_points=5.0))
    assert checks_passed_line(result) == "1 of 2 checks passed"
    assert summary_line(result) == "1/2 points — 1 of 2 checks passed"
    assert summary_line(run(check("c", "skipped"))) == "0/0 points — 0 of 0 checks passed"


def test_every_outcome_has_a_label_and_a_word_that_is_none_is_refused():
    assert [outcome_label(o.value) for o in Outcome] == [o.label for o in Outcome]
    with pytest.raises(ValueError):
        outcome_label("great")


def test_a_document_format_that_is_none_is_refused_and_json_is_the_results_model():
    result = run(check("a", "passed", 1.0))
    assert RunResult.from_dict(json.loads(render_document(result, "json"))) == result
    with pytest.raises(ValueError, match="not one of"):
        render_document(result, "yaml")


# ----------------------------------------------------------------------------- JUnit, read by junitparser


@pytest.mark.parametrize("outcome", list(Outcome))
def test_each_outcome_reaches_a_junit_consumer_as_a_pass_a_skip_a_failure_or_an_error(outcome):
    xml = render_junit(run(check("cost", outcome, message="cost() is 3\nmore words", hint="divide by the count")))
    (case,) = [case for suite in JUnitXml.fromstring(xml) for case in suite]
    if outcome == Outcome.PASSED:
        assert case.is_passed
        return
    (verdict,) = case.result
    if outcome == Outcome.SKIPPED:
        assert isinstance(verdict, Skipped) and verdict.message == "cost() is 3"
        return
    expected = Failure if outcome in (Outcome.FAILED, Outcome.NOT_IMPLEMENTED, Outcome.FORBIDDEN) else Error
    assert isinstance(verdict, expected) and not isinstance(verdict, Skipped)
    assert (verdict.type, verdict.message) == (outcome.value, "cost() is 3")
    assert ("Hint: divide by the count" in verdict.text) is (outcome != Outcome.GRADER_ERROR)


# ----------------------------------------------------------------------------- HTML, read by an HTML parser


class Page(HTMLParser):
    """What a browser's parser makes of a page: its elements and the text inside each ``<pre>``."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: Counter[tuple[str, tuple[str, ...]]] = Counter()
        self.classes: list[str] = []
        self.preformatted: list[str] = []
        self._in_pre = False
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements[(tag, tuple(sorted(name for name, _ in attrs)))] += 1
        if tag == "tbody":
            self.classes.append(dict(attrs).get("class", ""))
        if tag == "pre":
            self._in_pre = True
            self.preformatted.append("")

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_pre = False

    def handle_data(self, data):
        if self._in_pre:
            self.preformatted[-1] += data


def test_the_page_holds_one_section_per_check_in_order_with_its_outcome():
    outcomes = ["passed", "failed", "timeout", "skipped", "not_implemented"]
    page = Page(render_html(run(*(check(f"check_{i}", o) for i, o in enumerate(outcomes)))))
    assert [c for c in page.classes if c.startswith("outcome-")] == [f"outcome-{o}" for o in outcomes]


def test_student_text_anywhere_adds_no_element_or_attribute_and_reads_back_as_shown_text():
    def page_of(text: str) -> Page:
        failing = check("cost", "failed", message=text, output=text, details={text: text, "loss": text})
        return Page(render_html(run(failing, submission=f"submissions/{text}", warnings=[text])))

    plain, hostile = page_of("plain words"), page_of(HOSTILE)
    assert hostile.elements == plain.elements
    assert ("script", ()) not in hostile.elements
    assert hostile.preformatted[:2] == [visible_text(HOSTILE)] * 2  # the message and the output, as text
