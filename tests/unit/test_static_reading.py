"""grader/judge/static.py on small source folders: which files are read, how modules are named, grad mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.judge import static


def folder_with(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source)
    return tmp_path


def test_a_module_that_is_not_there_is_missing_and_nothing_is_found_in_it(tmp_path):
    read = static.reach(tmp_path, "evaluation", ["validate"])
    assert read.missing and not read.unreadable
    assert read.uses(["torch.autograd.grad"]) == [] and read.opaque() == []


def test_a_module_that_does_not_parse_is_left_to_the_worker_to_report(tmp_path):
    read = static.reach(folder_with(tmp_path, {"evaluation.py": "def validate(model:\n"}), "evaluation", ["validate"])
    assert read.missing and read.opaque() == []


def test_hidden_folders_and_names_that_are_no_module_are_not_read(tmp_path):
    submission = static.Submission(folder_with(tmp_path, {
        "evaluation.py": "X = 1\n", ".ipynb_checkpoints/evaluation.py": "X = 2\n", "my-notes.py": "X = 3\n",
        "pkg/__init__.py": "X = 4\n", "pkg/tools.py": "X = 5\n", "__pycache__/cached.py": "X = 6\n",
    }))
    assert sorted(submission.modules) == ["evaluation", "pkg", "pkg.tools"]
    assert submission.modules["pkg"].file == "pkg/__init__.py"


def test_an_api_is_followed_through_a_package_and_a_relative_import(tmp_path):
    folder = folder_with(tmp_path, {
        "evaluation.py": "from . import helper\nfrom pkg import score\ndef validate(m):\n    return helper.go(), score()\n",
        "helper.py": "import torch\ndef go():\n    return torch.autograd.grad\n",
        "pkg/__init__.py": "import torch.autograd as ag\ndef score():\n    return ag.grad\n",
    })
    found = static.reach(folder, "evaluation", ["validate"]).uses(["torch.autograd.grad"])
    assert [(f.file, f.line) for f in found] == [("helper.py", 3), ("pkg/__init__.py", 3)]


@pytest.mark.parametrize("line", ["with torch.no_grad():", "with torch.inference_mode():",
                                  "with torch.set_grad_enabled(False):", "with torch.autograd.grad_mode.no_grad():"])
def test_each_way_of_turning_autograd_off_is_found(tmp_path, line):
    folder = folder_with(tmp_path, {"evaluation.py": f"import torch\ndef validate(m):\n    {line}\n        return m\n"})
    assert [f.line for f in static.reach(folder, "evaluation", ["validate"]).turns_grad_off()] == [3]


def test_naming_no_grad_without_calling_it_turns_nothing_off(tmp_path):
    folder = folder_with(tmp_path, {"evaluation.py": "import torch\ndef validate(m):\n    torch.no_grad\n    return m\n"})
    assert static.reach(folder, "evaluation", ["validate"]).turns_grad_off() == []


@pytest.mark.xfail(strict=True, reason="turns_grad_off reads set_grad_enabled's flag only as a positional argument: "
                                       "set_grad_enabled(mode=True) is taken for turning autograd off")
def test_set_grad_enabled_with_mode_true_by_keyword_turns_nothing_off(tmp_path):
    folder = folder_with(tmp_path, {"evaluation.py": "import torch\ndef validate(m):\n"
                                                     "    with torch.set_grad_enabled(mode=True):\n        return m\n"})
    assert static.reach(folder, "evaluation", ["validate"]).turns_grad_off() == []


def test_a_finding_says_where_it_is_as_a_student_reads_it():
    finding = static.Finding("pkg/helper.py", 12, "torch.autograd.grad", "ag.grad")
    assert finding.place() == "pkg/helper.py line 12"
