"""``grader.check("resnet")`` inside Jupyter: grade what the notebook defines, show the report inline.

The student's code never runs in the kernel on the grader's behalf: the notebook's code is
taken as text (the kernel's input history, or the notebook file), made a module with the
conversion :mod:`grader.notebook` applies to handed-in notebooks, written into a temporary
folder and graded by :func:`grader.check.run.run_checks` in workers, as ``grader check`` does.

The launcher (the zygote, which has imported torch) is kept between calls, so a second check
in the same kernel costs little more than the checks themselves; it is closed when the
interpreter exits. This check is the student's own feedback: the kernel that runs the
trusted side has also run the student's cells, so grades come from ``grader check`` or
``grader grade``.
"""

from __future__ import annotations

import atexit
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.notebook import NotebookModule, module_from_cells
from grader.results import RunResult


@dataclass
class Report:
    """A finished in-kernel check: shown as the HTML report in a notebook, as a summary line elsewhere."""

    result: RunResult

    @property
    def points(self) -> float:
        return self.result.points

    @property
    def max_points(self) -> float:
        return self.result.max_points

    def _repr_html_(self) -> str:
        from grader.render.html import render_fragment

        return render_fragment(self.result)

    def __repr__(self) -> str:
        from grader.render import summary_line

        return summary_line(self.result)


class _WarmLauncher:
    """The launcher kept for the kernel's later checks; started on first use, closed at exit."""

    def __init__(self) -> None:
        self._launcher: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        from grader.check.launcher import start_launcher

        with self._lock:
            if self._launcher is None:
                self._launcher = start_launcher()
                atexit.register(self.close)
            return self._launcher

    def close(self) -> None:
        """Stop the launcher (after a failed run its zygote may be gone); the next check starts another."""
        with self._lock:
            launcher, self._launcher = self._launcher, None
        if launcher is not None:
            launcher.close()


_warm = _WarmLauncher()


def check(exercise: str, *, notebook: str | Path | None = None, submission: str | Path | None = None,
          hidden: bool = False, seed: int | None = None) -> Report:
    """Grade ``exercise`` as this notebook defines it, and return the report (shown inline in Jupyter).

    The code graded is, in this order: the folder ``submission`` (as ``grader check --submission``
    grades it); the notebook file ``notebook``; the cells this kernel has run (its input history);
    the notebook file Jupyter says this kernel belongs to (``__session__`` or ``JPY_SESSION_NAME``).
    """
    from grader.check.run import CheckRequest, UsageError, run_checks

    with tempfile.TemporaryDirectory(prefix="grader-kernel-") as scratch:
        folder, warnings = _submission_folder(exercise, notebook, submission, Path(scratch))
        request = CheckRequest(submission=folder, exercises=[exercise], include_hidden=hidden, seed=seed)
        try:
            result = run_checks(request, launcher=_warm.get())
        except UsageError:
            raise
        except BaseException:
            _warm.close()
            raise
    result.warnings[:0] = warnings
    if submission is None:
        result.submission = str(notebook) if notebook is not None else "this notebook"
    return Report(result)


def _submission_folder(exercise: str, notebook: str | Path | None, submission: str | Path | None,
                       scratch: Path) -> tuple[Path, list[str]]:
    """The folder to grade and the warnings that go with it."""
    from grader.check.run import UsageError

    if submission is not None:
        return Path(submission), []
    path = Path(notebook) if notebook is not None else None
    if path is None:
        history = _kernel_history()
        if history is not None:
            module = module_from_cells(history, "this kernel's cells", skip_broken=True)
            (scratch / f"{exercise}.py").write_text(module.source, encoding="utf-8")
            return scratch, _history_warnings(module, history)
        path = _session_notebook()
    if path is None:
        raise UsageError("grader.check() found no notebook to grade: pass notebook='your_notebook.ipynb', "
                         "or submission='folder' for a folder of modules.")
    if not path.is_file():
        raise UsageError(f"No notebook at '{path}'. Pass the path of your .ipynb file as notebook=.")
    # Handed in under the exercise's name, the notebook is converted exactly as grader check converts it.
    (scratch / f"{exercise}.ipynb").write_bytes(path.read_bytes())
    return scratch, []


def _kernel_history() -> list[tuple[str, str]] | None:
    """The cells this IPython kernel has run, as ("In [N]", source); None outside IPython."""
    ipython_module = sys.modules.get("IPython")
    shell = ipython_module.get_ipython() if ipython_module is not None else None
    if shell is None:
        return None
    raw = list(getattr(shell.history_manager, "input_hist_raw", None) or shell.user_ns.get("In", []))
    return [(f"In [{number}]", source) for number, source in enumerate(raw) if isinstance(source, str) and source]


def _history_warnings(module: NotebookModule, history: list[tuple[str, str]]) -> list[str]:
    graded = f"Graded the code of the {len(history)} cells this kernel has run, in the order they ran; " \
        "run your notebook's cells before checking, or pass notebook='your_notebook.ipynb'."
    left_out = module.warning("this kernel's cells")
    return [graded] + ([left_out] if left_out else [])


def _session_notebook() -> Path | None:
    """The notebook file this kernel runs, where Jupyter tells (``__session__``, ``JPY_SESSION_NAME``)."""
    ipython_module = sys.modules.get("IPython")
    shell = ipython_module.get_ipython() if ipython_module is not None else None
    named = (shell.user_ns.get("__session__") if shell is not None else None) or os.environ.get("JPY_SESSION_NAME")
    if isinstance(named, str) and named.endswith(".ipynb") and Path(named).is_file():
        return Path(named)
    return None
