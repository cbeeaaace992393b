"""The class report: one self-contained HTML page over every student's latest run.

It shows the score distribution, how each check went across the class (the least passed
first), the incidents (timeouts, crashes, memory, rejected archives, grader errors), a link
to each student's own report, identical submissions and, per exercise, the pairs of students
whose modules are alike, side by side (:mod:`grader.grade.similarity`). The figures come from :mod:`grader.grade.overview`; student
text reaches the page only through the template's autoescaping, and a student's name only
through :func:`~grader.visible.visible_name` too, so no bidi or zero-width character hides in it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote

from grader.grade.gradebook import Run
from grader.grade.overview import ClassOverview, class_overview
from grader.grade.similarity import SimilarityReport, identical_to
from grader.render.html import environment, svg_data_uri
from grader.visible import visible_name

log = logging.getLogger(__name__)

_CHART_SIZE = (6.4, 2.6)  # inches
_BINS = list(range(0, 101, 10))


def render_class_report(runs: list[Run], folder_of: Callable[[str], str],
                        similarity: SimilarityReport | None = None) -> str:
    """The class report of ``runs`` (each student's latest); ``folder_of`` names a student's report folder."""
    overview = class_overview(runs)
    identical = identical_to(runs)
    template = environment.get_template("class_report.html.j2")
    return template.render(
        overview=overview,
        histogram=_histogram(overview),
        bins=_bin_counts(overview.percents),
        report_link=lambda student: f"students/{quote(folder_of(student))}/report.html",
        name=visible_name,
        identical=identical,
        identical_groups=sorted({tuple(sorted([student, *others])) for student, others in identical.items()}),
        similarity=similarity,
    )


def render_similarity_report(similarity: SimilarityReport) -> str:
    """The similarity report alone, as one page (``grader similar``)."""
    return environment.get_template("similarity.html.j2").render(similarity=similarity, name=visible_name)


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
