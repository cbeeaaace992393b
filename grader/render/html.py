"""The HTML report: one self-contained page (inline CSS, no scripts, no external resources).

Student text reaches the page only through Jinja2's autoescaping. Charts are drawn with
matplotlib as SVG and embedded as base64 ``data:`` images, so no markup produced outside the
template ever enters the page.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jinja2

from grader.render import (
    check_score,
    checks_passed_line,
    format_score,
    outcome_label,
    shows_hint,
    visible,
)
from grader.results import ExerciseResult, RunResult
from grader.visible import visible_name

log = logging.getLogger(__name__)

#: The Jinja2 environment of every HTML page the grader writes (this report and the class
#: report): autoescaped everywhere, strict about undefined names.
environment = jinja2.Environment(
    loader=jinja2.PackageLoader("grader.render", "templates"),
    autoescape=jinja2.select_autoescape(("html", "j2"), default_for_string=True, default=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(score=format_score, visible=visible, visible_name=visible_name)
environment.globals.update(
    check_score=check_score, outcome_label=outcome_label, shows_hint=shows_hint
)

_CHART_SIZE = (5.6, 2.4)  # inches; about 540 px wide, the width of the details column
#: The axes' place in a chart, in figure fractions: fixed margins, since a layout engine
#: doubles a chart's cost. At the left, a two-line label beside short ticks
#: (:data:`_SCIENTIFIC_BEYOND`); at the top, room for the ticks' common factor (``1e-7``).
_CHART_MARGINS = {"left": 1.0 / 5.6, "right": 1 - 0.12 / 5.6, "bottom": 0.5 / 2.4, "top": 1 - 0.25 / 2.4}
#: Powers of ten beyond which a chart's ticks are written with a common factor.
_SCIENTIFIC_BEYOND = (-3, 4)


#: How the page names the figures checks put in their details; any other key reads as its words.
DETAIL_LABELS = {
    "subject": "measured object",
    "title": "what was measured",
    "items_per_call": "items per call",
    "calls_per_round": "calls per timed round",
    "student_s": "your seconds per round",
    "reference_s": "the reference's seconds per round",
    "ratios": "speed per round, relative to the reference (1 = as fast)",
    "median_ratio": "median speed relative to the reference",
    "ratio_quartiles": "quartiles of the relative speed",
    "slowdown": "times slower than the reference",
    "student_items_per_s": "your items per second",
    "reference_items_per_s": "the reference's items per second",
    "val_accuracy": "held-out accuracy",
    "final_loss": "final loss",
    "train_loss": "training loss",
    "val_loss": "validation loss",
    "p_pass_1h": "P(pass | 1 hour of study)",
    "p_pass_4h": "P(pass | 4 hours of study)",
    "params": "parameters",
    "student_while_reference_timed": "your code's processes while the reference was timed",
    "printed_at_import": "what your code printed when it was imported",
}
#: Details that only label another one (a curve's name) and get no row of their own.
_LABEL_ONLY = frozenset({"curve_label"})
#: Series drawn from zero: times and relative speeds, whose size the chart must show truthfully.
_FROM_ZERO = frozenset({"student_s", "reference_s", "ratios"})


def detail_label(key: str, details: dict[str, Any]) -> str:
    """The words a report shows for the detail ``key``."""
    if key == "curve":
        return _plain(details.get("curve_label", "loss curve"))
    return DETAIL_LABELS.get(key, key.replace("_", " "))


@dataclass
class _DetailRow:
    """One entry of a check's details as the page shows it: a text, or a chart's data URI."""

    key: str
    label: str
    text: str
    chart: str | None = None


def render_html(result: RunResult) -> str:
    """The report page for ``result``, as one HTML document."""
    template = environment.get_template("report.html.j2")
    return template.render(
        result=result, checks_passed=checks_passed_line(result), detail_rows=_detail_rows
    )


def render_fragment(result: RunResult) -> str:
    """The report of ``result`` as one ``<div>`` with scoped styles, for a notebook's output cell."""
    template = environment.get_template("notebook.html.j2")
    return template.render(
        result=result, checks_passed=checks_passed_line(result), detail_rows=_detail_rows
    )


def _detail_rows(details: dict[str, Any]) -> list[_DetailRow]:
    """A check's details as rows; series of measurements become charts."""
    rows = []
    for key, value in details.items():
        if key in _LABEL_ONLY:
            continue
        chart = _chart(str(key), value, details) if _is_series(value) else None
        rows.append(_DetailRow(key=str(key), label=detail_label(str(key), details), text=_format_value(value),
                               chart=chart))
    return rows


def _is_series(value: Any) -> bool:
    # Integer lists are shapes or indices, which read better as text than as a chart.
    return (
        isinstance(value, list)
        and len(value) > 3
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        and any(isinstance(v, float) for v in value)
    )


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_format_value(v)}" for k, v in value.items()) + "}"
    return str(value)


#: Charts drawn by :func:`draw_charts_ahead`, by :func:`_chart_key`; taken when a page is rendered.
_drawn_ahead: dict[str, str | None] = {}
#: More charts drawn ahead than a page of the course shows: the older ones were never taken.
_MOST_DRAWN_AHEAD = 256
_NOT_DRAWN = object()


def draw_charts_ahead(exercises: Iterable[ExerciseResult]) -> None:
    """Draw now the charts a page of ``exercises`` will show (for a caller that has a core idle now)."""
    if len(_drawn_ahead) > _MOST_DRAWN_AHEAD:
        _drawn_ahead.clear()
    for exercise in exercises:
        for check in exercise.checks:
            for key, value in check.details.items():
                if _is_series(value):
                    _drawn_ahead[_chart_key(str(key), value, check.details)] = _draw_chart(str(key), value,
                                                                                          check.details)


def _chart_key(key: str, series: list[float], details: dict[str, Any]) -> str:
    # Everything a chart shows: its series, and the label and threshold of a curve.
    return repr((key, series, details.get("curve_label"), details.get("threshold")))


def _chart(key: str, series: list[float], details: dict[str, Any]) -> str | None:
    """A data URI of an SVG chart of ``series`` (drawn ahead or now), or None where it cannot be drawn."""
    drawn = _drawn_ahead.pop(_chart_key(key, series, details), _NOT_DRAWN)
    return _draw_chart(key, series, details) if drawn is _NOT_DRAWN else drawn


def _draw_chart(key: str, series: list[float], details: dict[str, Any]) -> str | None:
    try:
        from matplotlib import rc_context

        # Glyphs drawn as paths and a fixed id salt: the SVG needs no fonts and is reproducible.
        with rc_context({"svg.fonttype": "path", "svg.hashsalt": "grader-report"}):
            return svg_data_uri(chart_axes(key, series, details).figure)
    except Exception:
        log.warning("could not draw a chart of %r; showing it as text", key, exc_info=True)
        return None


def chart_axes(key: str, series: list[float], details: dict[str, Any]) -> Any:
    """The matplotlib axes of the chart of ``series``: ratios as bars, anything else as a curve."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=_CHART_SIZE)
    figure.subplots_adjust(**_CHART_MARGINS)
    axes = figure.add_subplot()
    if key == "ratios":
        _draw_ratios(axes, series)
    else:
        _draw_curve(axes, key, series, details)
    if key in _FROM_ZERO:
        axes.set_ylim(bottom=0)
    axes.ticklabel_format(axis="y", style="sci", scilimits=_SCIENTIFIC_BEYOND)
    return axes


def svg_data_uri(figure: Any) -> str:
    """A matplotlib figure as an SVG ``data:`` URI, for an ``<img>`` of a self-contained page."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _draw_curve(axes: Any, key: str, series: list[float], details: dict[str, Any]) -> None:
    """A curve over steps; for ``curve``, labelled and with the exercise's threshold."""
    label = detail_label(key, details)
    if key == "curve":
        threshold = details.get("threshold")
        if isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
            axes.axhline(threshold, color="#c0392b", linestyle="--", linewidth=1, label="threshold")
    steps = range(1, len(series) + 1)
    axes.plot(steps, series, color="#2c6fbb", marker="o", markersize=2.5, label=label)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_xlabel("epoch" if key == "curve" else "round" if key.endswith("_s") else "step")
    axes.set_ylabel("seconds" if key.endswith("_s") else label if len(label) <= 24 else "")
    axes.grid(alpha=0.3)
    axes.legend(loc="best", fontsize="small", frameon=False)


def _draw_ratios(axes: Any, ratios: list[float]) -> None:
    """Throughput ratios to the reference, one bar per measured round, and the line at 1."""
    rounds = range(1, len(ratios) + 1)
    axes.bar(rounds, ratios, color="#2c6fbb", alpha=0.75, width=0.6)
    axes.axhline(1.0, color="#555555", linestyle="--", linewidth=1)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_xlabel("round")
    axes.set_ylabel("ratio to reference\n(1 = as fast)")
    axes.grid(axis="y", alpha=0.3)


def _plain(label: Any) -> str:
    """A label matplotlib prints as written: a ``$`` would otherwise start math mode."""
    return str(label).replace("$", r"\$")
