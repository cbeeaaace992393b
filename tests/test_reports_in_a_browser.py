"""The reports as a person sees them: rendered by headless Chromium, measured in the page.

Words must not be broken inside (``correctne|ss``), lists must not end in stray commas, the
figures must carry words rather than internal keys, and nothing may spill out of its cell,
at a laptop's width and at a narrow one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import chromium, seen

from grader.grade.classreport import render_class_report
from grader.grade.gradebook import Run
from grader.render.html import render_html
from grader.results import CheckResult, ExerciseResult, RunResult

pytestmark = pytest.mark.skipif(chromium() is None, reason="no Chromium here (apt-get install chromium)")

WIDTHS = (1280, 500)  # a laptop, and the narrowest window headless Chromium opens
INTERNAL_KEYS = ("student_s", "reference_s", "items_per_call", "calls_per_round", "median_ratio", "ratio_quartiles",
                 "student_items_per_s", "curve_label", "val_accuracy")


def _timing() -> dict:
    return {"subject": "one_hot", "title": "one_hot on 10**6 labels", "device": "cpu", "items_per_call": 1_000_000,
            "calls_per_round": 3, "student_s": [0.31, 0.30, 0.33, 0.32, 0.30], "reference_s": [0.12, 0.13, 0.12, 0.12, 0.12],
            "ratios": [0.39, 0.43, 0.36, 0.38, 0.4], "median_ratio": 0.39, "ratio_quartiles": [0.38, 0.4],
            "slowdown": 2.56, "student_items_per_s": 9.7e6, "reference_items_per_s": 2.5e7}


def _check(name: str, outcome: str, kind: str = "correctness", **fields) -> CheckResult:
    values = dict(exercise="encoding", name=name, title=name.replace("_", " "), kind=kind, hidden=False,
                  max_points=2.0, points=2.0 if outcome == "passed" else 0.0, outcome=outcome,
                  message="" if outcome == "passed" else "one_hot() returned the wrong values", hint="Use scatter_.")
    values.update(fields)
    return CheckResult(**values)


def _result(student: str, outcomes: list[str]) -> RunResult:
    checks = [_check(f"one_hot_matches_the_reference_on_check_{i}", o) for i, o in enumerate(outcomes)]
    checks.append(_check("one_hot_is_float", "failed" if student.endswith(("1", "3")) else "passed"))
    checks.append(_check("one_hot_throughput", "failed", kind="performance", details=_timing()))
    checks.append(_check("training_reaches_the_threshold", "failed", kind="convergence",
                         details={"curve": [2.3, 1.9, 1.2, 0.9, 0.7], "curve_label": "training loss per epoch",
                                  "threshold": 0.5, "val_accuracy": 0.71}))
    return RunResult(submission=student, started_at="2025-01-01T00:00:00+00:00", duration_s=3.0, grader_version="test",
                     seed=1, include_hidden=True, isolation="fork",
                     exercises=[ExerciseResult(name="encoding", title="One-hot encoding", checks=checks)])


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    outcomes = ["passed", "failed", "timeout", "passed", "crashed", "not_implemented"]
    runs = [Run(i, 1, f"student-{i}", f"student-{i}", "hash", "graded", "2025-01-01T00:00:00",
                _result(f"student-{i}", outcomes[i:] + outcomes[:i])) for i in range(6)]
    class_report = folder / "report.html"
    class_report.write_text(render_class_report(runs, lambda s: s), encoding="utf-8")
    student_report = folder / "student.html"
    student_report.write_text(render_html(runs[1].result), encoding="utf-8")
    return {"class": class_report, "student": student_report}


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ["class", "student"])
def test_no_word_is_broken_and_nothing_spills_out_of_its_cell(pages, page, width):
    shown = seen(pages[page], width=width)
    assert shown.broken_words == []
    assert shown.overflowing_cells == []
    assert shown.width <= shown.viewport  # no sideways scrolling of the page


@pytest.mark.slow
@pytest.mark.parametrize("page", ["class", "student"])
def test_figures_carry_words_not_internal_keys_and_lists_have_no_stray_commas(pages, page):
    text = seen(pages[page]).text
    assert not [key for key in INTERNAL_KEYS if key in text]
    lines = [line.strip() for line in text.splitlines()]
    assert not [line for line in lines if line.endswith(",") or ", ," in line or line.startswith(",")]


def test_timing_and_ratio_charts_start_at_zero():
    from grader.render import html

    for key in ("student_s", "reference_s", "ratios"):
        axes = html.chart_axes(key, _timing()[key], _timing())
        assert axes.get_ylim()[0] == 0, key
