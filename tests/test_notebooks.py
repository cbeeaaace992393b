"""Notebooks as submissions (grader/notebook.py) and the in-kernel ``grader.check()`` (grader/kernel.py)."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, SUBMISSIONS, outcomes

from grader import notebook
from grader.kernel import Report
from grader.notebook import NotebookProblem, module_from_cells, module_from_notebook, prepare
from grader.render.html import render_fragment
from grader.results import CheckResult, ExerciseResult, RunResult

ADVERSARIAL = Path(__file__).parent / "adversarial"
TRAINING_CELL = ("xs = torch.tensor([1.0, 2.0, 3.0])\n"
                 "for epoch in range(3):\n"
                 "    print(epoch, forward(xs, torch.tensor(1.0)))\n")


def cells_of(source: str) -> list[str]:
    """``source`` cut into cells at each top-level definition, as a student's notebook holds it."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    starts = sorted({1} | {min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", []))])
                           for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))})
    return ["".join(lines[a - 1:b - 1]) for a, b in zip(starts, [*starts[1:], len(lines) + 1])]


def write_notebook(path: Path, code_cells: list[str]) -> Path:
    """A notebook of ``code_cells`` behind a Markdown cell, as Jupyter saves one."""
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_markdown_cell("# My work"), *map(nbformat.v4.new_code_cell, code_cells)]
    nbformat.write(book, str(path))
    return path


def student_notebook(source: str) -> list[str]:
    """The module's code as cells, with a magic, a shell line and a training loop a student adds."""
    return ["%matplotlib inline\n!nvidia-smi\nimport torch", *cells_of(source), TRAINING_CELL]


# Conversion: no worker


def test_definitions_imports_and_constants_are_kept_and_work_is_left_out() -> None:
    module = module_from_cells([
        ("cell 1", "import torch\nfrom torch import nn\nLR = 0.01\nSIZES = (2, 3)\nrelu = torch.relu\n"),
        ("cell 2", "def forward(x):\n    # the student's comment\n    return relu(x) * LR\n\nclass Net(nn.Module):\n    pass\n"),
        ("cell 3", "model = Net()\nfor step in range(100):\n    print(step)\nforward(torch.ones(2))\nwith open('f') as f:\n    pass\n"),
        ("cell 4", 'if __name__ == "__main__":\n    train()\nact = lambda x: torch.tanh(x)\n'),
    ], "work.ipynb")
    namespace: dict[str, object] = {}
    exec(compile(module.source, "work.py", "exec"), namespace)
    assert {"torch", "nn", "LR", "SIZES", "relu", "forward", "Net", "act"} <= namespace.keys()
    assert "model" not in namespace and "# the student's comment" in module.source
    assert [(item.where, item.what.split(" (")[0]) for item in module.left_out] == [
        ("cell 3", "an assignment that runs code"), ("cell 3", "a loop"), ("cell 3", "a call"),
        ("cell 3", "a with block"), ("cell 4", 'an if __name__ == "__main__": block')]
    warning = module.warning("work.ipynb")
    assert warning.startswith("work.ipynb: left out 5 top-level statements") and "cell 3: a loop (for step in" in warning


def test_magics_shell_lines_and_cell_magics_are_left_out_and_the_rest_parses() -> None:
    module = module_from_cells([
        ("cell 1", "%matplotlib inline\n!pip install torch\nimport torch\nfiles = !ls\n"),
        ("cell 2", "%%time\ndef timed():\n    return 1\n"),
        ("cell 3", "def kept():\n    return 2\n"),
    ], "work.ipynb")
    namespace: dict[str, object] = {}
    exec(compile(module.source, "work.py", "exec"), namespace)
    assert "kept" in namespace and "timed" not in namespace and "files" not in namespace
    whats = [item.what for item in module.left_out]
    assert whats[:2] == ["%matplotlib inline", "!pip install torch"]
    assert any("cell magic %%time" in what for what in whats)


def test_future_imports_move_to_the_top_and_the_check_cell_is_dropped_unmentioned() -> None:
    module = module_from_cells([("cell 1", "import torch"), ("cell 2", "from __future__ import annotations\nX: int = 1"),
                                ("cell 3", 'import grader\ngrader.check("linear_model")')], "work.ipynb")
    compile(module.source, "work.py", "exec")
    assert "import grader" not in module.source and module.left_out == []


def test_a_cell_with_a_syntax_error_names_the_cell_or_is_left_out_of_a_history() -> None:
    cells = [("cell 1", "def ok():\n    return 1\n"), ("cell 2", "def broken(:\n    pass\n")]
    with pytest.raises(NotebookProblem, match=r"work.ipynb, cell 2 has a syntax error \(line 1\)"):
        module_from_cells(cells, "work.ipynb")
    module = module_from_cells(cells, "history", skip_broken=True)
    assert "def ok" in module.source and module.left_out[0].what == "a cell with a syntax error"


@pytest.mark.parametrize("content, reason", [
    (b"not json at all", "is not a notebook Jupyter can read"),
    (b"[" * 200_000 + b"]" * 200_000, "is not a notebook Jupyter can read"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 7, '
     b'"metadata": {}, "outputs": [], "execution_count": null}]}', "cell 1 has no text"),
    (b"\xff\xfe\x00bad utf-8", "is not a notebook Jupyter can read"),
])
def test_a_malformed_notebook_is_a_problem_naming_it(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "linear_model.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookProblem, match="linear_model.ipynb") as raised:
        module_from_notebook(path)
    assert reason in raised.value.reason


def test_a_huge_notebook_or_one_with_too_many_cells_is_refused_with_the_limit(tmp_path: Path) -> None:
    huge = tmp_path / "huge.ipynb"
    with open(huge, "wb") as handle:
        handle.truncate(notebook.MAX_NOTEBOOK_BYTES + 1)
    with pytest.raises(NotebookProblem, match="more than the 20 MB a notebook may be"):
        module_from_notebook(huge)
    many = write_notebook(tmp_path / "many.ipynb", ["x = 1"] * notebook.MAX_CELLS)
    with pytest.raises(NotebookProblem, match=f"more than the {notebook.MAX_CELLS} a notebook may hold"):
        module_from_notebook(many)


def test_control_characters_of_a_magic_are_shown_escaped_in_the_warning() -> None:
    module = module_from_cells([("cell 1", "%matplotlib \x1b[2J inline\nx = 1")], "work.ipynb")
    assert "\x1b" not in module.warning("work.ipynb") and "\\x1b" in module.warning("work.ipynb")


def test_prepare_converts_only_a_notebook_without_its_py(tmp_path: Path) -> None:
    alone, both = tmp_path / "alone", tmp_path / "both"
    for folder in (alone, both):
        folder.mkdir()
        write_notebook(folder / "linear_model.ipynb", ["def forward(x, w):\n    return x * w", "print(1)"])
    (both / "linear_model.py").write_text("def forward(x, w):\n    return x\n")
    prepared = prepare(alone, ["linear_model", "resnet"], tmp_path / "scratch-1")
    assert prepared.folder != alone and (prepared.folder / "linear_model.ipynb").is_file()
    assert "return x * w" in (prepared.folder / "linear_model.py").read_text()
    assert prepared.warnings == [prepared.warnings[0]] and "cell 3: a call (print(1))" in prepared.warnings[0]
    prepared = prepare(both, ["linear_model"], tmp_path / "scratch-2")
    assert prepared.folder == both and "linear_model.py is graded" in prepared.warnings[0]
    (alone / "linear_model.ipynb").write_text("{")
    prepared = prepare(alone, ["linear_model"], tmp_path / "scratch-3")
    assert prepared.folder == alone and "linear_model.ipynb is not a notebook" in prepared.problems["linear_model"]


def test_the_bundled_notebook_holds_the_stub_and_a_check_cell(tmp_path: Path) -> None:
    stub = ROOT / "exercises" / "linear_model.py"
    book = notebook.exercise_notebook(stub, "linear_model")
    notebook.write(book, tmp_path / "linear_model.ipynb")
    read = nbformat.read(str(tmp_path / "linear_model.ipynb"), as_version=4)
    assert [c.cell_type for c in read.cells] == ["markdown", "code", "code"]
    assert read.cells[0].source == ast.get_docstring(ast.parse(stub.read_text()))
    assert read.cells[2].source == 'import grader\ngrader.check("linear_model")'
    module = module_from_notebook(tmp_path / "linear_model.ipynb")
    stub_names = {n.name for n in ast.parse(stub.read_text()).body if isinstance(n, ast.FunctionDef)}
    assert {n.name for n in ast.parse(module.source).body if isinstance(n, ast.FunctionDef)} == stub_names
    assert module.left_out == []


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_the_inline_report_escapes_student_text_and_shows_the_hint() -> None:
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    result = RunResult(submission="this notebook", started_at="2024-01-01T00:00:00", duration_s=1.0,
                       grader_version="0", seed=1, include_hidden=False, isolation="fork", warnings=[hostile],
                       exercises=[ExerciseResult("linear_model", "Linear model", [
                           CheckResult("linear_model", "forward", "forward()", "correctness", False, 1.0, 0.0,
                                       "error", hostile, "Multiply x by w.", output=hostile)])])
    page = Report(result)._repr_html_()
    assert page == render_fragment(result)
    parser = _Elements()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags and parser.tags[0] == "div"
    assert "&lt;script&gt;" in page and "Multiply x by w." in page and "0/1 points" in page


def test_grader_check_is_callable_once_its_package_is_imported() -> None:
    import grader
    import grader.check.run  # noqa: F401  (binds grader.check to the package, as any grading does)

    assert callable(grader.check)


@pytest.mark.slow
def test_import_grader_imports_nothing_heavy() -> None:
    probe = "import sys, grader; print(json.dumps(sorted(m for m in sys.modules if m.startswith(('torch', 'grader')))))"
    found = subprocess.run([sys.executable, "-c", f"import json; {probe}"], capture_output=True, text=True,
                           check=True, cwd=ROOT)
    assert json.loads(found.stdout) == ["grader"]


# Grading: workers


def _pair(tmp_path: Path, source: Path) -> tuple[Path, Path]:
    """A folder with ``source`` as linear_model.py and one with it as a notebook, with its helper beside."""
    folders = tmp_path / "py", tmp_path / "ipynb"
    for folder in folders:
        folder.mkdir()
        for helper in source.parent.glob("_*.py"):
            shutil.copy(helper, folder)
        if source.parent.parent == ADVERSARIAL:
            shutil.copy(ADVERSARIAL / "_correct.py", folder)
    shutil.copy(source, folders[0] / "linear_model.py")
    write_notebook(folders[1] / "linear_model.ipynb", student_notebook(source.read_text()))
    return folders


@pytest.mark.parametrize("source", [
    ROOT / "solutions" / "linear_model.py",
    SUBMISSIONS / "linear_model" / "correct_notes_loops.py",
    SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py",
    SUBMISSIONS / "linear_model" / "descent_uses_autograd.py",
    SUBMISSIONS / "linear_model" / "w0_modified_in_place.py",
    ADVERSARIAL / "monkeypatch_torch" / "linear_model.py",
    ADVERSARIAL / "html_in_exception" / "linear_model.py",
    ADVERSARIAL / "reads_solutions" / "linear_model.py",
    ADVERSARIAL / "segfault" / "linear_model.py",
], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_notebook_gets_the_verdicts_of_the_same_code_in_a_py(grade, tmp_path: Path, source: Path) -> None:
    as_module, as_notebook = _pair(tmp_path, source)
    expected, got = grade(as_module, "linear_model"), grade(as_notebook, "linear_model")
    assert outcomes(got) == outcomes(expected)
    assert [c.points for c in got.checks] == [c.points for c in expected.checks]
    left_out = next(w for w in got.warnings if w.startswith("linear_model.ipynb: left out"))
    assert "%matplotlib inline" in left_out and "a loop (for epoch in range(3):)" in left_out


def test_an_unreadable_notebook_is_every_check_s_verdict_and_names_the_problem(grade, tmp_path: Path) -> None:
    (tmp_path / "linear_model.ipynb").write_bytes(b'{"cells": [')
    result = grade(tmp_path, "linear_model")
    assert result.checks and {c.outcome for c in result.checks} == {"error"}
    assert all("linear_model.ipynb is not a notebook Jupyter can read" in c.message
               for c in result.checks if c.kind != "property")


KERNEL_CHECK = """\
import json, time
import grader
timings, reports = [], []
for _ in range(2):
    started = time.perf_counter()
    reports.append(grader.check("linear_model", hidden=True, seed=1234))
    timings.append(time.perf_counter() - started)
print(json.dumps({"outcomes": [{c.name: c.outcome for c in r.result.checks} for r in reports], "timings": timings}))
reports[0]
"""


@pytest.mark.slow
def test_grader_check_in_a_kernel_gives_the_py_verdicts_and_is_warm_the_second_time(grade, tmp_path: Path) -> None:
    from nbclient import NotebookClient

    source = SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py"
    as_module, _ = _pair(tmp_path, source)
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(c) for c in [*student_notebook(source.read_text()), KERNEL_CHECK]]
    book.cells[0].source = book.cells[0].source.replace("!nvidia-smi\n", "")  # no shell in the test's kernel
    NotebookClient(book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = next(o for o in book.cells[-1].outputs if o.output_type == "stream")
    ran = json.loads(printed.text)
    expected = outcomes(grade(as_module, "linear_model"))
    assert ran["outcomes"] == [expected, expected] and "failed" in expected.values()
    cold, warm = ran["timings"]
    assert warm < cold
    shown = next(o for o in book.cells[-1].outputs if o.output_type == "execute_result")
    assert shown.data["text/html"].startswith('<div class="grader-report">')
    assert "leaving out the factor 2" in shown.data["text/html"]
