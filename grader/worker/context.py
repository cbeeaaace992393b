"""What a probe may ask of the worker: the student's modules and their objects."""

from __future__ import annotations

import importlib
import sys
import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from grader.shared.outcome import Outcome
from grader.worker import watch


class StudentProblem(Exception):
    """The submission cannot be probed: a module or object is missing (failed) or fails to import (error).

    Its message is the whole sentence a student reads.
    """

    def __init__(self, outcome: Outcome, message: str, traceback_text: str = "") -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message
        self.traceback_text = traceback_text


class ProbeContext:
    """The student's submission as seen from a probe."""

    def __init__(self, submission_dir: Path, device: str = "cpu", exercise: str | None = None) -> None:
        self.submission_dir = submission_dir
        self.device = device
        #: The exercise this worker was forked for: the module the generic probes call into.
        self.exercise = exercise
        #: Inputs a probe prepared for a later, timed probe call (so the timing excludes them).
        self.prepared: dict[str, Any] = {}
        self._modules: dict[str, types.ModuleType] = {}

    def own(self, name: str) -> Any:
        """The object ``name`` of the module of the exercise this worker was forked for."""
        if self.exercise is None:
            raise RuntimeError("this worker was started without an exercise; the generic probes need one")
        return self.obj(self.exercise, name)

    def module(self, name: str) -> types.ModuleType:
        """Import the student's ``name.py`` (once) from the submission folder."""
        if name in self._modules:
            return self._modules[name]
        if not (self.submission_dir / f"{name}.py").is_file():
            raise StudentProblem(Outcome.FAILED, f"the submission has no {name}.py")
        try:
            module = importlib.import_module(name)
        except NotImplementedError:
            raise
        except SyntaxError as exc:
            where = f"{Path(exc.filename or '?').name}, line {exc.lineno}"
            raise StudentProblem(Outcome.ERROR, f"{name}.py has a syntax error ({where}): {exc.msg}") from None
        except (Exception, KeyboardInterrupt) as exc:
            raise StudentProblem(
                Outcome.ERROR,
                f"importing {name}.py raised {type(exc).__name__}: {text_of(exc)}",
                student_traceback(exc, self.submission_dir),
            ) from None
        self._modules[name] = module
        return module

    def obj(self, module: str, name: str) -> Any:
        """The object ``name`` of the student's ``module``."""
        found = getattr(self.module(module), name, None)
        if found is None:
            raise StudentProblem(Outcome.FAILED, f"{module}.py defines no {name!r}")
        return found

    @contextmanager
    def watching(self, names: list[str]) -> Iterator[list[dict[str, Any]]]:
        """Record calls to the dotted API ``names`` while the block runs."""
        with watch.watching(list(names), list(self._modules.values())) as calls:
            yield calls

    def to_device(self, value: Any) -> Any:
        """Move tensors (also inside lists, tuples and dicts) to this worker's device."""
        import torch

        if isinstance(value, torch.Tensor):
            return value.to(self.device)
        if isinstance(value, (list, tuple)):
            return type(value)(self.to_device(v) for v in value)
        if isinstance(value, dict):
            return {k: self.to_device(v) for k, v in value.items()}
        return value


def text_of(exc: BaseException, limit: int = 2000) -> str:
    """The message of ``exc``, safely: a hostile ``__str__`` may raise anything."""
    try:
        text = str(exc)
    except BaseException:
        return "<unprintable message>"
    return text[:limit] if isinstance(text, str) else "<unprintable message>"


def raised(exc: BaseException, limit: int = 2000) -> dict[str, Any]:
    """A caught exception as plain data: its type, the names of its classes (for ``isinstance``
    on the grader's side) and its message."""
    return {"raised": type(exc).__name__, "bases": [c.__name__ for c in type(exc).__mro__],
            "message": text_of(exc, limit)}


def student_traceback(exc: BaseException, submission_dir: Path, limit: int = 4000) -> str:
    """The traceback of ``exc`` cut down to the frames in the student's files."""
    frames = [
        f"  {Path(frame.filename).name}, line {frame.lineno}, in {frame.name}\n    {frame.line or ''}"
        for frame in traceback.extract_tb(exc.__traceback__)
        if Path(frame.filename).resolve().is_relative_to(submission_dir.resolve())
    ]
    text = "\n".join(frames + [f"{type(exc).__name__}: {text_of(exc)}"])
    return text[-limit:]


def student_location(exc: BaseException, submission_dir: Path) -> str:
    """``file:line`` of the innermost frame of ``exc`` in the student's files, or ``""``."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if Path(frame.filename).resolve().is_relative_to(submission_dir.resolve()):
            return f"{Path(frame.filename).name}:{frame.lineno}"
    return ""


def install_submission(submission_dir: Path) -> None:
    """Make the submission's modules importable by their plain names."""
    sys.path.insert(0, str(submission_dir))
