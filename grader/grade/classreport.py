"""The class report: one self-contained HTML page over every student's latest run.

It shows the score distribution, how each check went across the class (the least passed
first), the incidents (timeouts, crashes, memory, rejected archives, grader errors) and a
link to each student's own report. The figures come from :mod:`grader.grade.overview`; student
text reaches the page only through the template's autoescaping, and a student's name only
through :func:`~grader.visible.visible_name` too, so no bidi or zero-width character hides in it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote

from grader.grade.gradebook import Run
from grader.grade.overview import ClassOverview, class_overview
from grader.render.html import environment, svg_data_uri
from grader.visible import visible_name

log = logging.getLogger(__name__)

_CHART_SIZE = (6.4, 2.6)  # inches
_BINS = list(range(0, 101, 10))


def render_class_report(runs: list[Run], folder_of: Callable[[str], str]) -> str:
    """The class report of ``runs`` (each student's latest); ``folder_of`` names a student's report folder."""
    overview = class_overview(runs)
    template = environment.get_template("class_report.html.j2")
    return template.render(
        overview=overview,
        histogram=_histogram(overview),
        bins=_bin_counts(overview.percents),
        report_link=lambda student: f"students/{quote(folder_of(student))}/report.html",
        name=visible_name,
    )


def _bin_counts(percents: list[float]) -> list[tuple[str, int]]:
    """Students per 10-point band of the score; 100 % falls in the last band."""
    counts = [0] * (len(_BINS) - 1)
    for percent in percents:
        counts[min(int(percent // 10), len(counts) - 1)] += 1
    return [(f"{low}–{high} %", n) for low, high, n in zip(_BINS, _BINS[1:], counts)]


def _histogram(overview: ClassOverview) -> str | None:
    """A data URI of the score histogram, or None when there is nothing to draw (or no matplotlib)."""
    if not overview.percents:
        return None
    try:
        from matplotlib import rc_context
        from matplotlib.figure import Figure

        with rc_context({"svg.fonttype": "path", "svg.hashsalt": "grader-class-report"}):
            figure = Figure(figsize=_CHART_SIZE, layout="constrained")
            axes = figure.add_subplot()
            axes.hist(overview.percents, bins=_BINS, color="#2c6fbb", alpha=0.8, edgecolor="white")
            axes.set_xlim(0, 100)
            axes.set_xlabel("score (% of the points)")
            axes.set_ylabel("students")
            axes.yaxis.get_major_locator().set_params(integer=True)
            axes.grid(axis="y", alpha=0.3)
            return svg_data_uri(figure)
    except Exception:
        log.warning("could not draw the score histogram; the report shows the table only", exc_info=True)
        return None
