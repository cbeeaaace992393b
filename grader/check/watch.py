"""``grader watch``: grade once, then again each exercise whose files are saved, until Ctrl-C.

The grading runs on a :class:`~grader.check.warm.WarmChecker`, so a re-grade costs the
checks' own time and little more. A saved ``<exercise>.py`` or ``<exercise>.ipynb`` re-grades
that exercise; any other Python file of the submission (a helper module) re-grades the
exercises that import it, as their source says. The table shows every exercise in the
course's order.
"""

from __future__ import annotations

import ast
import logging
import queue
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType

import watchfiles
from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from grader import notebook
from grader.catalog import Exercise
from grader.check.run import CheckRequest, validated
from grader.check.warm import WarmChecker
from grader.results import ExerciseResult, RunResult
from grader.visible import visible_text

log = logging.getLogger("grader")
#: Bytes of a module read to find what it imports; a larger one is taken to import anything.
MAX_READ_BYTES = 2 * 2**20
#: Characters of a failing check's message shown in the table.
SHOWN_MESSAGE = 90


def exercises_touched(changed: Iterable[Path], submission: Path, exercises: Sequence[Exercise]) -> list[Exercise]:
    """The exercises to grade again after ``changed`` files of ``submission`` were saved, in course order.

    ``<exercise>.py`` or ``<exercise>.ipynb`` is that exercise's; any other Python file is a
    helper, whose saving re-grades the exercises whose modules import it (see :func:`imports_any`).
    """
    folder = Path(submission).resolve()
    by_name = {e.name: e for e in exercises}
    names: set[str] = set()
    helpers: set[str] = set()
    for path in changed:
        path = Path(path)
        if path.suffix not in (".py", ".ipynb"):
            continue
        try:
            relative = path.resolve().relative_to(folder)
        except ValueError:
            continue
        if len(relative.parts) == 1 and relative.stem in by_name:
            names.add(relative.stem)
        elif path.suffix == ".py":  # a notebook elsewhere (Jupyter's .ipynb_checkpoints) is no module
            helpers.add(relative.parts[0] if len(relative.parts) > 1 else relative.stem)
    if helpers:
        names |= {e.name for e in exercises if imports_any(folder, e.name, helpers)}
    return [e for e in exercises if e.name in names]


def imports_any(folder: Path, exercise: str, helpers: set[str]) -> bool:
    """Whether the module of ``exercise`` in ``folder`` imports one of the top-level modules ``helpers``.

    Read from the source, never run: the ``import`` statements of the module, then of the modules
    of ``folder`` it imports, and so on. Where that cannot tell (a file that does not parse, a
    relative import, ``importlib.import_module`` or ``__import__``), the answer is yes: a re-grade
    too many costs seconds, one too few shows a stale verdict.
    """
    seen: set[str] = set()
    pending = [exercise]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        imported = _imported_names(_module_source(folder, name, exercise=name == exercise))
        if imported is None or imported & helpers:
            return True
        pending.extend(imported - seen)
    return False


def _module_source(folder: Path, name: str, *, exercise: bool) -> str | None:
    """The text of module ``name`` of ``folder`` ("" where it is not the submission's); None where unreadable."""
    candidates = [folder / f"{name}.py", folder / name / "__init__.py"]
    try:
        for candidate in candidates:
            if candidate.is_file():
                if candidate.stat().st_size > MAX_READ_BYTES:
                    return None
                return candidate.read_text(encoding="utf-8")
        if exercise and (folder / f"{name}.ipynb").is_file():
            return notebook.module_from_notebook(folder / f"{name}.ipynb").source
    except (OSError, UnicodeDecodeError, notebook.NotebookProblem):
        return None
    return ""  # torch, numpy, the standard library: not the submission's


def _imported_names(source: str | None) -> set[str] | None:
    """The top-level module names ``source`` imports, or None where its imports cannot be read off it."""
    if source is None:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                return None
            names.add(node.module.partition(".")[0])
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in ("import_module", "__import__"):
                return None
    return names


def status_table(exercises: Sequence[Exercise], results: dict[str, ExerciseResult], grading: set[str]) -> Table:
    """One row per exercise, in course order: points, checks passed, and the first problem."""
    table = Table(title="grader watch (Ctrl-C to stop)")
    for column in ("exercise", "points", "checks", "status"):
        table.add_column(column)
    for exercise in exercises:
        result = results.get(exercise.name)
        if result is None:
            table.add_row(exercise.name, "", "", Text("grading..." if exercise.name in grading else "", "yellow"))
            continue
        passed = sum(c.passed for c in result.checks)
        if exercise.name in grading:
            status = Text("grading...", "yellow")
        elif result.all_passed:
            status = Text("passed", "green")
        else:
            first = next(c for c in result.checks if not c.passed)
            message = visible_text(first.message or first.outcome)
            if len(message) > SHOWN_MESSAGE:
                message = message[: SHOWN_MESSAGE - 3] + "..."
            status = Text(f"{first.title}: {message}", "red")
        table.add_row(exercise.name, f"{result.points:g}/{result.max_points:g}", f"{passed}/{len(result.checks)}",
                      status)
    return table


def _python_files(change: watchfiles.Change, path: str) -> bool:
    return path.endswith((".py", ".ipynb"))


class _Saves:
    """The Python files and notebooks saved under a folder, collected by a watcher that runs from construction on.

    ``watchfiles.watch`` starts watching only when its generator is first advanced, so it runs
    in a thread of its own, and construction waits until it yields once (it yields on each idle
    ``rust_timeout``): from then on, every save is seen, even one made during a grading.
    """

    def __init__(self, folder: Path, stop: threading.Event, *, ready_timeout_s: float = 30.0) -> None:
        self._changes: queue.SimpleQueue[set[Path]] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(folder, stop), daemon=True)
        self._thread.start()
        self._ready.wait(ready_timeout_s)

    def _run(self, folder: Path, stop: threading.Event) -> None:
        for changes in watchfiles.watch(folder, watch_filter=_python_files, stop_event=stop, raise_interrupt=False,
                                        rust_timeout=200, yield_on_timeout=True):
            self._ready.set()
            if changes:
                self._changes.put({Path(p) for _, p in changes})

    def next(self, timeout_s: float) -> set[Path]:
        """The files saved since the last call (waiting up to ``timeout_s`` for one), all batches merged."""
        try:
            changed = self._changes.get(timeout=timeout_s)
        except queue.Empty:
            return set()
        while True:
            try:
                changed |= self._changes.get_nowait()
            except queue.Empty:
                return changed


def watch(request: CheckRequest, checker: WarmChecker, console: Console, *,
          stop: threading.Event | None = None, on_run: Callable[[RunResult], None] | None = None) -> None:
    """Grade ``request``'s exercises, then re-grade those whose files change, until Ctrl-C or ``stop``."""
    submission, exercises = validated(request.submission, request.exercises)
    results: dict[str, ExerciseResult] = {}
    interrupted = threading.Event()
    stop = stop or threading.Event()

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        interrupted.set()
        stop.set()
        raise KeyboardInterrupt

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_interrupt) if in_main_thread else None
    try:
        with Live(status_table(exercises, results, set()), console=console, auto_refresh=False) as live:

            def grade(chosen: list[Exercise]) -> None:
                names = [e.name for e in chosen]
                live.update(status_table(exercises, results, set(names)), refresh=True)
                try:
                    result = checker.check(replace(request, submission=submission, exercises=names))
                except Exception:
                    if interrupted.is_set():
                        raise KeyboardInterrupt from None
                    log.exception("internal error while watching")
                    live.console.print(f"The grader failed on {', '.join(names)}; this is not your fault. "
                                       "Details are in the grader's log.", style="red", markup=False,
                                       highlight=False)
                    return
                results.update((e.name, e) for e in result.exercises)
                live.update(status_table(exercises, results, set()), refresh=True)
                for exercise in result.exercises:
                    passed = sum(c.passed for c in exercise.checks)
                    live.console.print(f"Graded {exercise.name}: {exercise.points:g}/{exercise.max_points:g} points, "
                                       f"{passed} of {len(exercise.checks)} checks passed",
                                       markup=False, highlight=False)
                if on_run is not None:
                    on_run(result)

            saved = _Saves(submission, stop)  # watching before the first grading: no save is missed
            grade(exercises)
            live.console.print(f"Watching {submission} for saved files; Ctrl-C to stop.", markup=False,
                               highlight=False)
            while not stop.is_set():
                changed = saved.next(timeout_s=0.5)
                touched = exercises_touched(changed, submission, exercises) if changed else []
                if touched and not stop.is_set():
                    grade(touched)
    except KeyboardInterrupt:
        pass
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, previous)
