"""Notebooks as submissions: the definitions of a ``.ipynb``, written as the module a worker imports.

A student who works in Jupyter or Colab hands in ``<exercise>.ipynb``. The grader reads it
with nbformat on the trusted side (never running it) and keeps, cell by cell, what a module
would define at import; everything that would *run work* at import is left out and named in
the run's warnings. The rules, for each top-level statement of each code cell:

* kept: ``def``, ``async def`` and ``class`` (with their decorators, as a ``.py`` has them);
  ``import`` and ``from ... import`` (``from __future__`` imports move to the top);
  assignments (``=``, annotated, augmented) whose value calls nothing: literals, names,
  attributes, subscripts, arithmetic, containers of these, lambdas (a lambda's body runs
  only when called);
  an ``if`` or ``try`` block whose conditions call nothing and whose every statement is kept.
* left out: ``if __name__ == "__main__":`` blocks (a module imported by the grader is not
  ``__main__``); calls, prints and other bare expressions; loops (``for``, ``while``);
  ``with`` blocks; assignments whose value calls something (``model = Net()``); any other
  statement (``del``, ``assert``, ``raise``, ``global``); IPython magics (``%``, ``%%``) and
  shell lines (``!``), which are not Python; a cell that starts with a cell magic, whole.
  Bare strings and ``pass`` are dropped without mention: they do nothing; so is the grader's
  own check cell (``import grader``, ``grader.check(...)``).

Cells are parsed with :mod:`ast` as they are; a cell that is not Python because of magic or
shell lines is parsed again without them (and, where IPython is installed, through its own
input transformer). A notebook is student text: one too large, with too many cells or too
much code, or that nbformat cannot read is a :class:`NotebookProblem` naming the problem.

:func:`prepare` serves ``grader check`` and ``grader grade`` alike (both grade through
:func:`grader.check.run.run_checks`); :func:`exercise_notebook` writes a bundle's notebooks.
"""

from __future__ import annotations

import ast
import os
import shutil
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from grader.visible import visible_name

#: Bytes a notebook file may hold, outputs and images included (Limits.submission_mb bounds the whole submission).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
#: Cells a notebook may hold, code and Markdown together.
MAX_CELLS = 2000
#: Characters of code, all code cells together: what the static analysis reads of one module
#: (grader.judge.static.MAX_FILE_BYTES) is about as much.
MAX_CODE_CHARS = 1_000_000
#: Left-out statements the warning names one by one; the rest are counted.
MAX_NAMED = 6
_SNIPPET_CHARS = 40
_NOT_COPIED = shutil.ignore_patterns("__pycache__", ".git", "*.pyc", ".ipynb_checkpoints")


class NotebookProblem(Exception):
    """A notebook the grader cannot take in; ``reason`` says why, to the student."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class LeftOut:
    """A top-level statement (or a magic, or a cell) not kept in the module, and where it was."""

    where: str
    what: str


@dataclass
class NotebookModule:
    """The module made of a notebook's code cells, and what was left out of it."""

    source: str
    left_out: list[LeftOut] = field(default_factory=list)

    def warning(self, origin: str) -> str | None:
        """The sentence the run's warnings show about what was left out of ``origin``; None if nothing was."""
        if not self.left_out:
            return None
        named = "; ".join(f"{item.where}: {item.what}" for item in self.left_out[:MAX_NAMED])
        more = len(self.left_out) - MAX_NAMED
        rest = f"; and {more} more" if more > 0 else ""
        count = len(self.left_out)
        return (f"{origin}: left out {count} top-level statement{'s' if count != 1 else ''} that would run at "
                f"import or are not Python ({named}{rest}). Only definitions, imports and constants are graded.")


def read_code_cells(path: Path) -> list[tuple[str, str]]:
    """The code cells of the notebook at ``path`` as (``"cell N"``, source), or :class:`NotebookProblem`."""
    name = visible_name(path.name)
    if path.is_symlink():
        raise NotebookProblem(f"{name} is a link; hand in the notebook file itself")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookProblem(f"{name} is {size / 2**20:.0f} MB, more than the {MAX_NOTEBOOK_BYTES // 2**20} MB a "
                              "notebook may be; clear its outputs (Edit > Clear All Outputs) and save it again")
    with open(path, "rb") as handle:
        data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    try:
        text = data.decode("utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4, capture_validation_error={})
        cells = notebook["cells"]
        if not isinstance(cells, list):
            raise ValueError("its cells are not a list")
    except Exception as exc:  # any failure to read hostile bytes is that notebook's verdict
        why = visible_name(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)[:120]
        raise NotebookProblem(f"{name} is not a notebook Jupyter can read ({why}); save it again from Jupyter "
                              "or Colab (File > Download > .ipynb)") from None
    if len(cells) > MAX_CELLS:
        raise NotebookProblem(f"{name} holds {len(cells)} cells, more than the {MAX_CELLS} a notebook may hold")
    found, total = [], 0
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if not isinstance(source, str):
            raise NotebookProblem(f"{name} is not a notebook Jupyter can read (cell {number} has no text)")
        total += len(source)
        if total > MAX_CODE_CHARS:
            raise NotebookProblem(f"{name} holds more than {MAX_CODE_CHARS:,} characters of code, more than a "
                                  "notebook may hold; keep the exercise's code in it and move the rest out")
        found.append((f"cell {number}", source))
    return found


def module_from_notebook(path: Path) -> NotebookModule:
    """The module the notebook at ``path`` defines; a cell that is not Python is a :class:`NotebookProblem`."""
    return module_from_cells(read_code_cells(path), visible_name(path.name))


def module_from_cells(cells: Sequence[tuple[str, str]], origin: str, *, skip_broken: bool = False) -> NotebookModule:
    """The module of these (where, source) cells, in order.

    ``skip_broken`` leaves out a cell with a syntax error (a kernel's history holds the
    attempts a student fixed later) instead of refusing the whole as :class:`NotebookProblem`.
    """
    left_out: list[LeftOut] = []
    future: list[str] = []
    parts = []
    for where, source in cells:
        kept = _kept_of_cell(where, source, left_out, skip_broken, origin)
        for text, is_future in kept:
            if is_future:
                future.append(text)
        body = [text for text, is_future in kept if not is_future]
        if body:
            parts.append(f"\n# {where}\n" + "".join(body))
    head = f"# The definitions of {origin}, as the grader imports them.\n" + "".join(dict.fromkeys(future))
    return NotebookModule(source=head + "".join(parts), left_out=left_out)


def _kept_of_cell(where: str, source: str, left_out: list[LeftOut], skip_broken: bool,
                  origin: str) -> list[tuple[str, bool]]:
    """The texts of the statements kept from one cell, each with whether it is a ``__future__`` import."""
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    if first.startswith("%%"):
        left_out.append(LeftOut(where, f"the whole cell, under the cell magic {_snippet(first)}"))
        return []
    try:
        text, tree, magics = _parsed(source)
    except SyntaxError as error:
        if skip_broken:
            left_out.append(LeftOut(where, "a cell with a syntax error"))
            return []
        raise NotebookProblem(f"{origin}, {where} has a syntax error (line {error.lineno}): {error.msg}") from None
    except (ValueError, RecursionError, MemoryError):
        raise NotebookProblem(f"{origin}, {where} is too deeply nested or holds characters Python cannot read") from None
    left_out.extend(LeftOut(where, _snippet(magic)) for magic in magics)
    lines = text.splitlines(keepends=True)
    kept = []
    for index, node in enumerate(tree.body):
        why = _why_left_out(node)
        if why is None:
            kept.append((_statement_text(node, index, tree.body, lines), _is_future(node)))
        elif why:
            left_out.append(LeftOut(where, why))
    return kept


def _parsed(source: str) -> tuple[str, ast.Module, list[str]]:
    """The cell's Python text, its tree, and the magic and shell lines taken out to make it Python."""
    try:
        return source, _parse(source), []
    except SyntaxError:
        pass
    magics, lines = [], []
    for line in source.splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            magics.append(stripped.strip())
            indent = line[: len(line) - len(stripped)]
            line = f"{indent}pass\n" if indent else "\n"
        lines.append(line)
    text = "".join(lines)
    try:
        return text, _parse(text), magics
    except SyntaxError as error:
        transformed = _ipython_transformed(text)
        if transformed is None:
            raise error from None
        try:
            return transformed, _parse(transformed), magics
        except SyntaxError:
            raise error from None


def _parse(text: str) -> ast.Module:
    # Top-level await is valid in a notebook cell; such a statement is left out like any other work.
    return compile(text, "<cell>", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                   dont_inherit=True)


def _ipython_transformed(text: str) -> str | None:
    """``text`` through IPython's own input transformer (``x = !ls``, ``obj?``), or None without IPython."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return None
    try:
        return TransformerManager().transform_cell(text)
    except Exception:
        return None


def _why_left_out(node: ast.stmt) -> str | None:
    """None where ``node`` is kept; else what it is, for the warning ("" for what does nothing)."""
    if _is_check_cell(node):
        return ""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
        return None
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        if node.value is None or _inert(node.value):
            return None
        return f"an assignment that runs code ({_snippet(ast.unparse(node))})"
    if isinstance(node, ast.If):
        if _is_main_guard(node.test):
            return 'an if __name__ == "__main__": block'
        if _inert(node.test) and all(_why_left_out(n) in (None, "") for n in (*node.body, *node.orelse)):
            return None
        return f"an if block that runs code ({_snippet('if ' + ast.unparse(node.test))})"
    if isinstance(node, ast.Try):
        inner = [*node.body, *node.orelse, *node.finalbody, *(n for h in node.handlers for n in h.body)]
        if all(h.type is None or _inert(h.type) for h in node.handlers) and \
                all(_why_left_out(n) in (None, "") for n in inner):
            return None
        return "a try block that runs code"
    if isinstance(node, ast.Pass) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
        return ""
    if isinstance(node, ast.Expr):
        if isinstance(node.value, (ast.Call, ast.Await)):
            return f"a call ({_snippet(ast.unparse(node.value))})"
        return f"an expression ({_snippet(ast.unparse(node.value))})"
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        return f"a loop ({_snippet(ast.unparse(node).splitlines()[0])})"
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return f"a with block ({_snippet(ast.unparse(node).splitlines()[0])})"
    return f"a statement that runs at import ({_snippet(ast.unparse(node).splitlines()[0])})"


def _inert(expr: ast.AST) -> bool:
    """Whether evaluating ``expr`` calls nothing (a lambda's body is not evaluated, its defaults are)."""
    if isinstance(expr, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
        return False
    if isinstance(expr, ast.Lambda):
        return all(_inert(d) for d in (*expr.args.defaults, *(d for d in expr.args.kw_defaults if d is not None)))
    return all(_inert(child) for child in ast.iter_child_nodes(expr))


def _is_check_cell(node: ast.stmt) -> bool:
    """Whether ``node`` is the grader's own check cell (``import grader``, ``grader.check(...)``), dropped unmentioned."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names] == ["grader"]
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
        ast.unparse(node.value.func) == "grader.check"


def _is_main_guard(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and \
        any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _statement_text(node: ast.stmt, index: int, body: list[ast.stmt], lines: list[str]) -> str:
    """The statement as the student wrote it (comments inside kept); rewritten where it shares a line."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    end = node.end_lineno or node.lineno
    shares = (index > 0 and (body[index - 1].end_lineno or 0) >= start) or \
        (index + 1 < len(body) and body[index + 1].lineno <= end)
    if shares:
        return ast.unparse(node) + "\n"
    text = "".join(lines[start - 1:end])
    return text if text.endswith("\n") else text + "\n"


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return visible_name(text if len(text) <= _SNIPPET_CHARS else text[: _SNIPPET_CHARS - 3] + "...")


@dataclass
class Prepared:
    """A submission ready for the workers: its folder, what the run should warn about, and refused notebooks."""

    folder: Path
    warnings: list[str] = field(default_factory=list)
    #: Exercise name -> why its notebook could not be taken in (every check of it gets that verdict).
    problems: dict[str, str] = field(default_factory=dict)


def prepare(submission: Path, exercises: Iterable[str], scratch: Path) -> Prepared:
    """``submission`` as the workers should see it: each ``<exercise>.ipynb`` without a ``.py`` made a module.

    Where no notebook is to be converted the folder is ``submission`` itself; else a copy under
    the new folder ``scratch`` holds each notebook's module as ``<exercise>.py`` beside it.
    """
    prepared = Prepared(folder=submission)
    modules: dict[str, str] = {}
    for name in exercises:
        notebook, module = submission / f"{name}.ipynb", submission / f"{name}.py"
        if not (notebook.is_file() or notebook.is_symlink()):
            continue
        if module.exists() or module.is_symlink():
            prepared.warnings.append(f"{name}.py and {name}.ipynb are both in the submission: {name}.py is graded. "
                                     f"Remove {name}.py to have the notebook graded.")
            continue
        try:
            converted = module_from_notebook(notebook)
        except NotebookProblem as problem:
            prepared.problems[name] = problem.reason
            continue
        modules[name] = converted.source
        if (warning := converted.warning(f"{name}.ipynb")) is not None:
            prepared.warnings.append(warning)
    if modules:
        prepared.folder = scratch / "submission"
        shutil.copytree(submission, prepared.folder, symlinks=True, ignore=_NOT_COPIED)
        for name, source in modules.items():
            target = prepared.folder / f"{name}.py"
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(source)
    return prepared


def exercise_notebook(stub: Path, exercise: str) -> Any:
    """The notebook a bundle hands out for ``exercise``: the stub's docstring, its code, and a check cell."""
    source = stub.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree) or f"Exercise {exercise}"
    first = tree.body[0] if tree.body else None
    has_docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and \
        isinstance(first.value.value, str)
    code = "".join(source.splitlines(keepends=True)[first.end_lineno:]) if has_docstring and first else source
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell(docstring),
        nbformat.v4.new_code_cell(code.strip("\n")),
        nbformat.v4.new_code_cell(f'import grader\ngrader.check("{exercise}")'),
    ]
    return notebook


def write(notebook: Any, path: Path) -> None:
    """Write ``notebook`` (from :func:`exercise_notebook`) as a ``.ipynb`` file that nbformat validates."""
    nbformat.validate(notebook)
    nbformat.write(notebook, str(path))
