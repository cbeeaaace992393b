"""Writing a run's reports to disk: ``results.json``, ``report.html``, JUnit XML on request."""

from __future__ import annotations

from pathlib import Path

from grader.render.html import render_html
from grader.render.junit import render_junit
from grader.results import RunResult


def write_reports(
    result: RunResult, out_dir: Path, junit_xml: Path | None = None
) -> dict[str, Path]:
    """Write ``result``'s reports, creating folders as needed; return their paths by kind.

    The kinds are ``"json"`` and ``"html"`` (in ``out_dir``) and ``"junit"`` where
    ``junit_xml`` names a file.
    """
    out_dir = Path(out_dir)
    written = {
        "json": _write(out_dir / "results.json", result.to_json()),
        "html": _write(out_dir / "report.html", render_html(result)),
    }
    if junit_xml is not None:
        written["junit"] = _write(Path(junit_xml), render_junit(result))
    return written


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
