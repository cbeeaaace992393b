"""``grader bundle``: the folder students receive, which grades offline without the references.

A bundle holds the stubs (``exercises/``), the grader with its public checks only, the golden
fixtures those checks replay in place of the references (:mod:`grader.bundle.golden`), a
``pyproject.toml`` to ``pip install`` it, a README, and a GitHub Actions workflow that grades
each pull request. It holds no ``solutions/``, no hidden check, and no answer of the
reference to a hidden check's inputs: the fixtures are recorded by running only the public
checks, against the references, here at bundle time.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog, notebook
from grader.bundle import golden
from grader.bundle.workflow import WORKFLOW
from grader.check.launcher import Launcher
from grader.check.run import CheckRequest, UsageError, run_checks
from grader.references import GRADER_DIR, PROJECT_DIR

_NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "golden_data")
WORKFLOW_PATH = Path(".github/workflows/grader.yml")


class BundleError(Exception):
    """The bundle could not be built as promised (a reference fails its check, a call cannot be recorded)."""


@dataclass
class BundleSummary:
    """What ``grader bundle`` wrote."""

    out: Path
    exercises: list[str]
    public_checks: int
    hidden_checks_left_out: int
    recorded_calls: int
    notes: list[str] = field(default_factory=list)


def build_bundle(out: Path, launcher: Launcher | None = None, notebooks: bool = False) -> BundleSummary:
    """Write the students' distribution into ``out`` (which must not exist or be empty).

    ``notebooks`` also writes ``notebooks/<exercise>.ipynb`` per exercise (:func:`grader.notebook.exercise_notebook`).
    """
    out = Path(out)
    if not golden.references_available():
        raise UsageError("grader bundle records the reference solutions' answers, and this grader has none: "
                         "run it in the course's full project.")
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"'{out}' already exists and is not empty; pass a new folder to --out.")
    exercises = [e.name for e in catalog.available()]
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(GRADER_DIR, out / "grader", ignore=_NOT_SHIPPED)
    hidden_left_out = 0
    for name in exercises:
        hidden_left_out += _write_public_checks(GRADER_DIR / "checks" / f"test_{name}.py",
                                                out / "grader" / "checks" / f"test_{name}.py")
    shutil.copytree(PROJECT_DIR / "exercises", out / "exercises", ignore=_NOT_SHIPPED)
    recorded, public = _record_fixtures(exercises, out / "grader" / "golden_data", launcher)
    _write_text(out / "pyproject.toml", _pyproject())
    _write_text(out / "README.md", STUDENT_README)
    _write_text(out / WORKFLOW_PATH, WORKFLOW)
    if notebooks:
        (out / "notebooks").mkdir()
        for name in exercises:
            notebook.write(notebook.exercise_notebook(PROJECT_DIR / "exercises" / f"{name}.py", name),
                           out / "notebooks" / f"{name}.ipynb")
    (out / "reports").mkdir(exist_ok=True)
    return BundleSummary(out=out, exercises=exercises, public_checks=public, hidden_checks_left_out=hidden_left_out,
                         recorded_calls=recorded)


def public_source(source: str) -> tuple[str, int]:
    """A check module's source without its hidden checks; returns it and how many were removed.

    Checks reach the references only through :func:`grader.judge.reference_of`, which answers
    from the fixtures in a students' copy; a check that imports ``solutions`` itself cannot ship.
    """
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    removed: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and _imports_solutions(node):
            raise BundleError(f"line {node.lineno} imports the references; a check reaches them only through "
                              "reference_of('<exercise>') (grader.judge), which a students' copy answers from its fixtures")
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(_is_hidden_check(d) for d in node.decorator_list):
            start = min(d.lineno for d in node.decorator_list)
            removed.append((start - 1, node.end_lineno or node.lineno))
    for start, end in sorted(removed, reverse=True):
        del lines[start:end]
    return "".join(lines), len(removed)


def _is_hidden_check(decorator: ast.expr) -> bool:
    return (isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "check"
            and any(k.arg == "hidden" and isinstance(k.value, ast.Constant) and k.value.value for k in decorator.keywords))


def _imports_solutions(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "solutions"
    return any(alias.name.split(".")[0] == "solutions" for alias in node.names)


def _write_public_checks(source: Path, target: Path) -> int:
    text, removed = public_source(source.read_text(encoding="utf-8"))
    target.write_text(text, encoding="utf-8")
    return removed


def _record_fixtures(exercises: list[str], folder: Path, launcher: Launcher | None) -> tuple[int, int]:
    """Run the public checks against the references, recording their calls; return (calls, checks)."""
    with golden.recording(folder) as recorder:
        result = run_checks(CheckRequest(submission=PROJECT_DIR / "solutions", exercises=exercises,
                                         include_hidden=False, seed=0), launcher=launcher)
    # Skipped checks (CUDA ones on a machine without a GPU, speed) record nothing and fail nothing.
    not_passed = [f"{c.id} ({c.outcome}: {c.message})" for c in result.checks if c.failed]
    if not_passed:
        raise BundleError("the references do not pass these public checks, so their answers cannot be recorded: "
                          + "; ".join(not_passed))
    if recorder.problems:
        raise BundleError("some reference calls cannot be recorded: " + "; ".join(sorted(set(recorder.problems))))
    return len(recorder.store.calls), len(result.checks)


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _pyproject() -> str:
    """The bundle's ``pyproject.toml``: the project's own, without the references, with the fixtures."""
    import tomllib

    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies = "".join(f'    "{d}",\n' for d in project["dependencies"])
    return f'''[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{project["name"]}"
version = "{project["version"]}"
description = "{project["description"]} (students' copy: public checks only)"
readme = "README.md"
requires-python = "{project["requires-python"]}"
dependencies = [
{dependencies}]

[project.scripts]
grader = "grader.cli:main"

[tool.setuptools.packages.find]
include = ["grader", "grader.*"]

[tool.setuptools.package-data]
"grader" = ["golden_data/index.json", "golden_data/tensors/*.npy"]
"grader.render" = ["templates/*.j2"]
"grader.checks" = ["pytest.ini"]
'''


STUDENT_README = """# PyTorch course: exercises and grader

Implement the stubs in `exercises/`; the grader tells you, check by check, what is right,
what is not, why, and a hint. It runs offline.

```bash
pip install .            # 1. install the grader (PyTorch included)
grader check             # 2. grade ./exercises (or: grader check resnet encoding)
```

`grader list` shows the exercises and their points. `grader check` writes
`reports/report.html`; `--format json|junit|markdown|github` prints the results for CI.
This copy holds the public checks only: your instructor also runs hidden checks, and
measures speed against the reference solution.

Exit codes: 0 every check passed, 1 a check did not pass, 2 a usage error, 3 an error of
the grader itself.

`.github/workflows/grader.yml` grades every pull request on GitHub: the job fails when a
check fails, its summary lists the checks, each failure is annotated on your code, and the
HTML report is kept as an artifact.
"""
