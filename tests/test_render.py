"""Tests of grader/render/: outputs show the results model as it is; student text stays inert."""

from __future__ import annotations

import base64
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from junit_xsd import assert_valid_junit
from junitparser import JUnitXml
from rich.console import Console

from grader import schemas
from grader.render.files import write_reports
from grader.render.html import render_html
from grader.render.junit import _VERDICT_TAGS, render_junit
from grader.render.terminal import render_terminal
from grader.results import OUTCOMES, CheckResult, ExerciseResult, RunResult

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _check(name: str, outcome: str, points: float, **fields) -> CheckResult:
    values = dict(
        exercise="mlp",
        name=name,
        title=name.replace("_", " ").capitalize(),
        kind="correctness",
        hidden=False,
        max_points=1.0,
        points=points,
        outcome=outcome,
        duration_s=0.25,
    )
    values.update(fields)
    return CheckResult(**values)


@pytest.fixture
def result() -> RunResult:
    """A run with one check of each kind a report must show differently."""
    mlp = ExerciseResult(
        name="mlp",
        title="A multilayer perceptron",
        checks=[
            _check("forward_shape", "passed", 1.0, details={"shape": [8, 10]}),
            _check(
                "training_converges",
                "failed",
                0.0,
                kind="convergence",
                max_points=2.0,
                message="loss 0.91 after 5 epochs, above the threshold 0.5\nsecond line",
                hint="Call optimizer.zero_grad() before loss.backward().",
                details={
                    "curve": [2.3, 1.7, 1.2, 1.0, 0.91],
                    "threshold": 0.5,
                    "curve_label": "training loss",
                    "epochs": 5,
                },
                output="epoch 1 loss 2.3\n",
            ),
            _check(
                "backward_matches",
                "not_implemented",
                0.0,
                message="MLP.backward still raises NotImplementedError",
                hint="Start from the chain rule in the notes.",
            ),
        ],
    )
    resnet = ExerciseResult(
        name="resnet",
        title="A residual network",
        checks=[
            _check(
                "forward_fast",
                "timeout",
                0.0,
                exercise="resnet",
                kind="performance",
                message="ran past the 10 s limit",
                hint="Avoid Python loops over the batch.",
            ),
            _check("runs_on_gpu", "skipped", 0.0, exercise="resnet", message="no CUDA device here"),
            _check("hidden_inputs", "passed", 1.0, exercise="resnet", hidden=True),
        ],
    )
    return RunResult(
        submission="submissions/alice",
        started_at="2025-01-31T10:00:00+00:00",
        duration_s=12.5,
        grader_version="0.1.0",
        seed=1234,
        include_hidden=True,
        isolation="zygote-fork",
        exercises=[mlp, resnet],
        warnings=["workers are spawned, not forked: slower, weaker isolation"],
    )


@pytest.fixture
def hostile(result: RunResult) -> RunResult:
    """``result`` with attack text wherever a submission can put text."""
    failing = result.exercises[0].checks[1]
    failing.message = f"{SCRIPT} [bold]x[/bold] [link=https://evil.example]x[/link]\x1b[2J\x00"
    failing.output = f"{SCRIPT}\x1b]0;owned\x07\x00 [red]printed[/red]"
    failing.details[SCRIPT] = SCRIPT
    result.submission = f"submissions/{SCRIPT}"
    return result


def _terminal_text(result: RunResult) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None, force_terminal=False)
    render_terminal(result, console)
    return console.file.getvalue()


def test_terminal_shows_totals_reasons_and_hints(result: RunResult) -> None:
    text = _terminal_text(result)
    assert "Total: 2/6 points — 2 of 5 checks passed" in text
    assert "loss 0.91 after 5 epochs, above the threshold 0.5" in text
    assert "second line" not in text
    assert "Call optimizer.zero_grad() before loss.backward()." in text
    assert "not implemented yet" in text
    assert "timeout" in text
    assert "Hidden inputs (hidden)" in text
    assert "workers are spawned, not forked" in text


def test_terminal_gives_no_hint_for_skipped_or_passed_checks(result: RunResult) -> None:
    result.exercises[1].checks[1].hint = "skip hint"
    result.exercises[0].checks[0].hint = "pass hint"
    text = _terminal_text(result)
    assert "no CUDA device here" in text
    assert "skip hint" not in text and "pass hint" not in text


def test_terminal_writes_partial_points_as_people_do(result: RunResult) -> None:
    converges = result.exercises[0].checks[1]
    converges.outcome, converges.points = "passed", 1.5
    text = _terminal_text(result)
    assert "1.5/2" in text
    assert "Total: 3.5/6 points — 3 of 5 checks passed" in text


def test_a_grader_error_carries_no_exercise_hint(result: RunResult) -> None:
    broken = result.exercises[1].checks[0]
    broken.outcome, broken.message = "grader_error", "the reference could not be computed"
    assert "grader error" in _terminal_text(result)
    for report in (_terminal_text(result), render_html(result), render_junit(result)):
        assert "the reference could not be computed" in report
        assert "Avoid Python loops over the batch." not in report


def test_terminal_prints_student_markup_literally_and_shows_escapes(hostile: RunResult) -> None:
    text = _terminal_text(hostile)
    assert "[bold]x[/bold]" in text
    assert "[link=https://evil.example]x[/link]" in text
    assert "\x1b" not in text and "\x00" not in text
    assert "\\x1b[2J" in text


def test_html_escapes_hostile_text_everywhere(hostile: RunResult) -> None:
    page = render_html(hostile)
    assert SCRIPT not in page
    assert "<script" not in page
    # message, output, details key, details value, and the submission path (title, header, facts)
    assert page.count(ESCAPED_SCRIPT) >= 6
    assert "\x00" not in page and "\x1b" not in page


def test_html_puts_message_and_hint_before_details(result: RunResult) -> None:
    page = render_html(result)
    message = page.index("loss 0.91 after 5 epochs")
    hint = page.index("Call optimizer.zero_grad()")
    details = page.index("training loss")
    assert message < hint < details


def test_html_embeds_loss_curve_as_base64_svg_image(result: RunResult) -> None:
    page = render_html(result)
    uris = re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(uris) == 1
    assert b"<svg" in base64.b64decode(uris[0])
    assert "<svg" not in page


def test_html_draws_ratios_but_keeps_shapes_as_text(result: RunResult) -> None:
    result.exercises[1].checks[0].details = {
        "ratios": [0.8, 0.9, 0.85, 0.95],
        "input_shape": [8, 3, 32, 32],
    }
    page = render_html(result)
    assert page.count("data:image/svg+xml;base64,") == 2
    assert "[8, 3, 32, 32]" in page


def test_charts_drawn_ahead_are_the_ones_the_page_shows_and_are_not_drawn_again(result: RunResult,
                                                                               monkeypatch) -> None:
    from grader.render import html

    result.exercises[1].checks[0].details = {"ratios": [0.8, 0.9, 0.85, 0.95]}
    page = render_html(result)
    monkeypatch.setattr(html, "_drawn_ahead", {})  # whatever an earlier test's parallel run drew ahead
    html.draw_charts_ahead(result.exercises)
    assert len(html._drawn_ahead) == 2
    monkeypatch.setattr(html, "_draw_chart", lambda *_: pytest.fail("a chart drawn ahead was drawn again"))
    assert render_html(result) == page
    assert html._drawn_ahead == {}  # taken by the page, not kept


def test_a_chart_drawn_ahead_is_not_shown_for_other_figures(result: RunResult, monkeypatch) -> None:
    from grader.render import html

    monkeypatch.setattr(html, "_drawn_ahead", {})
    html.draw_charts_ahead(result.exercises)
    curve = next(c for e in result.exercises for c in e.checks if "curve" in c.details)
    curve.details["threshold"] = 123.0  # the same series, another line on it
    page = render_html(result)
    html._drawn_ahead.clear()
    assert render_html(result) == page


#: Series at the edges of what checks report: tiny and huge values, negatives, long runs, long labels.
EDGE_SERIES = {
    "tiny losses": ("curve", [1.25e-7 * (i + 1) for i in range(8)], {"threshold": 1e-7}),
    "huge losses": ("curve", [123456.789 * (i + 1) for i in range(8)], {"curve_label": "the loss " * 8}),
    "200 epochs": ("curve", [1.0 / (i + 1) for i in range(200)], {"threshold": 0.05}),
    "negative": ("val_loss", [-0.00125 * (i + 1) for i in range(6)], {}),
    "ratios": ("ratios", [0.4, 12.5, 1.05, 0.875, 3.0], {}),
    "seconds": ("student_s", [0.000125, 0.00013, 0.00012, 0.000124], {}),
}


@pytest.mark.parametrize("case", EDGE_SERIES)
def test_a_chart_draws_its_labels_ticks_and_legend_inside_the_figure(case: str) -> None:
    """The axes sit in fixed margins, not a layout engine: nothing they draw may be cut off."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from grader.render.html import chart_axes

    axes = chart_axes(*EDGE_SERIES[case])
    renderer = FigureCanvasAgg(axes.figure).get_renderer()
    axes.figure.draw(renderer)
    drawn, figure = axes.get_tightbbox(renderer), axes.figure.bbox
    assert (drawn.x0 >= figure.x0 and drawn.y0 >= figure.y0 and drawn.x1 <= figure.x1
            and drawn.y1 <= figure.y1), (drawn, figure)


def test_html_references_no_external_resource(hostile: RunResult) -> None:
    page = render_html(hostile)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page


def test_html_shows_the_run_facts_and_warnings(result: RunResult) -> None:
    page = render_html(result)
    facts = [
        '2/6 <span class="unit">points</span>',
        "2 of 5 checks passed",
        "submissions/alice",
        "2025-01-31T10:00:00",
        "12.5 s",
        "1234",
        "zygote-fork",
    ]
    assert [fact for fact in facts if fact not in page] == []
    assert "workers are spawned, not forked" in page


def test_every_outcome_is_a_pass_a_skip_or_a_junit_verdict() -> None:
    assert set(OUTCOMES) == {"passed", "skipped"} | set(_VERDICT_TAGS)


def test_junit_counts_failures_errors_and_skips(result: RunResult) -> None:
    xml = render_junit(result)
    suites = {suite.get("name"): suite for suite in ET.fromstring(xml)}
    counts = ("tests", "failures", "errors", "skipped", "time")
    assert [suites["mlp"].get(c) for c in counts] == ["3", "2", "0", "0", "0.750"]
    assert [suites["resnet"].get(c) for c in counts] == ["3", "0", "1", "1", "0.750"]

    parsed = JUnitXml.fromstring(xml)
    assert (parsed.tests, parsed.failures, parsed.errors) == (6, 2, 1)
    assert sum(suite.skipped for suite in parsed) == 1  # per suite: junit-10.xsd allows no total of skips
    assert_valid_junit(xml)
    cases = {case.name: case for suite in parsed for case in suite}
    assert cases["training_converges"].classname == "grader.mlp"
    (failure,) = cases["training_converges"].result
    assert failure.type == "failed"
    assert failure.message == "loss 0.91 after 5 epochs, above the threshold 0.5"
    assert "second line" in failure.text and "Hint: Call optimizer.zero_grad()" in failure.text
    (error,) = cases["forward_fast"].result
    assert error.type == "timeout"
    assert cases["training_converges"].system_out == "epoch 1 loss 2.3\n"
    assert cases["forward_shape"].is_passed


def test_junit_strips_characters_xml_cannot_carry(hostile: RunResult) -> None:
    xml = render_junit(hostile)
    ET.fromstring(xml)
    assert_valid_junit(xml)
    parsed = JUnitXml.fromstring(xml)
    case = next(case for suite in parsed for case in suite if case.name == "training_converges")
    assert "\x1b" not in case.system_out and "\x00" not in case.system_out
    assert SCRIPT in case.system_out


def test_results_json_round_trips_to_an_equal_result(result: RunResult, tmp_path: Path) -> None:
    paths = write_reports(result, tmp_path)
    schemas.validate("results", json.loads(paths["json"].read_text(encoding="utf-8")))
    assert RunResult.load(paths["json"]) == result


def test_write_reports_writes_json_html_and_junit_into_new_folders(
    result: RunResult, tmp_path: Path
) -> None:
    junit_xml = tmp_path / "ci" / "junit.xml"
    paths = write_reports(result, tmp_path / "reports" / "alice", junit_xml=junit_xml)
    assert paths == {
        "json": tmp_path / "reports" / "alice" / "results.json",
        "html": tmp_path / "reports" / "alice" / "report.html",
        "junit": junit_xml,
    }
    assert paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    JUnitXml.fromfile(str(paths["junit"]))
    assert_valid_junit(paths["junit"])
    schemas.validate("results", json.loads(paths["json"].read_text(encoding="utf-8")))


def test_write_reports_writes_no_junit_unless_asked(result: RunResult, tmp_path: Path) -> None:
    assert set(write_reports(result, tmp_path)) == {"json", "html"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "results.json"]
