"""``grader gradescope``: the package unpacked as Gradescope unpacks it, and ``run_autograder`` run on submissions.

Each run is the package's own ``run_autograder``, in a folder standing in for ``/autograder``
(``GRADER_AUTOGRADER_ROOT``), with this environment's Python in place of what ``setup.sh``
installs. Every ``results.json`` is validated against the schema of Gradescope's format
(``grader/schemas/gradescope.schema.json``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SUBMISSIONS

from grader import catalog
from grader.bundle.gradescope import (
    CONFIG_NAME,
    LIMITS,
    ROOT_VARIABLE,
    AutograderConfig,
    container_memory_mb,
    modules_folder,
)
from grader.cli import main
from grader.inventory import checks_of

ADVERSARIAL = Path(__file__).parent / "adversarial"
EXERCISES = ["linear_model", "encoding"]
WRONG = SUBMISSIONS / "linear_model" / "cost_float32_accumulator.py"
#: Reaches for the package's references and checks as ``tests/adversarial/reads_solutions`` does (importing
#: them), then through the worker's own path to the grader; ``forward()`` is right only if one of them was read.
READS_THE_PACKAGE = '''
import importlib
import sys
from pathlib import Path

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    refused = []
    try:
        return importlib.import_module("solutions.linear_model").forward(x, w)
    except Exception as exc:
        refused.append(repr(exc))
    source = Path(sys.modules["grader.worker"].__file__).resolve().parents[2]
    for secret in (source / "solutions" / "linear_model.py", source / "grader" / "checks" / "test_linear_model.py"):
        try:
            secret.read_text()
            return x * w
        except OSError as exc:
            refused.append(str(exc))
    raise PermissionError("; ".join(refused))
'''


def _validate(results: dict) -> None:
    from grader.schemas import validate

    validate("gradescope", results)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The autograder zip, built by the command an instructor types."""
    out = tmp_path_factory.mktemp("package") / "autograder.zip"
    run = CliRunner().invoke(main, ["gradescope", "--out", str(out), *[f"--exercise={e}" for e in EXERCISES]])
    assert run.exit_code == 0, run.output
    return out


def _autograder_root(package: Path, tmp_path: Path) -> Path:
    """A folder laid out as Gradescope lays out /autograder: the package in source/, an empty submission/."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(package) as unpacked:
        unpacked.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)  # zipfile does not restore modes; Gradescope does
    (root / "submission").mkdir()
    return root


def _run_autograder(root: Path) -> dict:
    environment = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(Path.home()),
                   ROOT_VARIABLE: str(root)}
    run = subprocess.run([str(root / "source" / "run_autograder")], env=environment, cwd="/", capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    _validate(results)
    return results


def _test_of(results: dict, exercise: str, check: str) -> dict:
    """The entry of ``results.json`` for one check, which Gradescope shows by its title."""
    title = next(c.title for c in checks_of(catalog.find(exercise)) if c.name == check)
    return next(t for t in results["tests"] if t["name"] == f"{exercise}: {title}")


def _failed(results: dict) -> list[dict]:
    return [t for t in results["tests"] if t.get("status") == "failed"]


def test_the_package_holds_the_scripts_at_its_root_and_the_whole_grader(package: Path) -> None:
    with zipfile.ZipFile(package) as unpacked:
        names = set(unpacked.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in unpacked.infolist()}
        setup = unpacked.read("setup.sh").decode()
        config = json.loads(unpacked.read(CONFIG_NAME))
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert {"solutions/linear_model.py", "grader/checks/test_linear_model.py", "grader/worker/sandbox.py",
            "pyproject.toml"} <= names
    assert not any("__pycache__" in n or n.startswith(("tests/", "exercises/", ".")) for n in names)
    torch_version = re.search(r'"torch==([\d.]+)"', setup)
    assert torch_version and metadata.version("torch").startswith(torch_version.group(1))
    assert "--index-url https://download.pytorch.org/whl/cpu" in setup
    assert config["exercises"] == EXERCISES


def test_an_unknown_exercise_or_a_name_without_zip_is_a_usage_error(tmp_path: Path) -> None:
    run = CliRunner().invoke(main, ["gradescope", "--out", str(tmp_path / "a.zip"), "--exercise", "resnt"])
    assert run.exit_code == 2 and "Did you mean 'resnet'?" in run.output
    run = CliRunner().invoke(main, ["gradescope", "--out", str(tmp_path / "autograder")])
    assert run.exit_code == 2 and ".zip" in run.output


def test_the_modules_are_found_where_a_student_puts_them(tmp_path: Path) -> None:
    loose, repository, archive, nothing = (tmp_path / n for n in ("loose", "repository", "archive", "nothing"))
    (loose).mkdir()
    (loose / "linear_model.py").write_text("")
    (repository / ".git" / "linear_model").mkdir(parents=True)
    (repository / "exercises").mkdir()
    (repository / "exercises" / "encoding.py").write_text("")
    (repository / "README.md").write_text("")
    archive.mkdir()
    (archive / "hw1.zip").write_bytes(b"PK")
    nothing.mkdir()
    (nothing / "notes.txt").write_text("")
    assert modules_folder(loose, EXERCISES) == loose
    assert modules_folder(repository, EXERCISES) == repository / "exercises"
    assert modules_folder(archive, EXERCISES) is None
    assert modules_folder(nothing, EXERCISES) == nothing


def test_the_container_memory_is_read_from_its_cgroup(tmp_path: Path) -> None:
    (tmp_path / "memory.max").write_text(f"{768 * 1024 * 1024}\n")
    assert container_memory_mb(tmp_path) == 768
    (tmp_path / "memory.max").write_text("max\n")
    assert container_memory_mb(tmp_path) is None


@pytest.mark.slow
def test_the_references_as_loose_files_get_full_marks_and_the_limits_are_stated(package: Path, tmp_path: Path) -> None:
    root = _autograder_root(package, tmp_path)
    for name in EXERCISES:
        shutil.copy(ROOT / "solutions" / f"{name}.py", root / "submission")
    results = _run_autograder(root)
    assert results["tests"] and not _failed(results)
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0
    assert {t["tags"][0] for t in results["tests"]} == set(EXERCISES)
    assert any(t["visibility"] == "after_published" for t in results["tests"])  # the hidden checks ran
    assert f"{LIMITS.memory_mb} MB of memory" in results["output"] and "1 torch thread" in results["output"]


@pytest.mark.slow
def test_the_stubs_in_a_repository_layout_get_nothing_each_check_saying_so(package: Path, tmp_path: Path) -> None:
    root = _autograder_root(package, tmp_path)
    shutil.copytree(ROOT / "exercises", root / "submission" / "exercises")
    (root / "submission" / "README.md").write_text("my work")
    results = _run_autograder(root)
    graded = [t for t in results["tests"] if "status" in t]
    assert results["score"] == 0 and graded
    assert all(t["status"] == "failed" and "not implemented" in t["output"].lower() for t in graded)


@pytest.mark.slow
def test_a_wrong_submission_in_a_zip_fails_the_check_it_declares(package: Path, tmp_path: Path) -> None:
    root = _autograder_root(package, tmp_path)
    declared = re.search(r"^Fails: (\w+) \((\w+)\): (.+)$", WRONG.read_text(), re.MULTILINE)
    assert declared
    with zipfile.ZipFile(root / "submission" / "hw1.zip", "w") as archive:
        archive.write(WRONG, "hw1/linear_model.py")
    results = _run_autograder(root)
    check, outcome, words = declared.groups()
    entry = _test_of(results, "linear_model", check)
    assert entry["status"] == "failed" and entry["score"] == 0
    assert entry["output"].startswith(outcome) and words in entry["output"]
    assert 0 < results["score"] < sum(t["max_score"] for t in results["tests"])


@pytest.mark.slow
def test_a_submission_reading_the_package_references_is_refused_and_graded(package: Path, tmp_path: Path) -> None:
    root = _autograder_root(package, tmp_path)
    (root / "submission" / "linear_model.py").write_text(READS_THE_PACKAGE)
    shutil.copy(ADVERSARIAL / "_correct.py", root / "submission")
    results = _run_autograder(root)
    forward = _test_of(results, "linear_model", "forward_matches_reference")
    assert forward["status"] == "failed" and forward["score"] == 0
    for secret in ("solutions/linear_model.py", "grader/checks/test_linear_model.py"):
        assert re.search(rf"(No such file or directory|Permission denied): '{root}/source/{secret}'", forward["output"])
    assert _test_of(results, "linear_model", "cost_is_mean_squared_error")["status"] == "passed"


@pytest.mark.slow
def test_a_broken_submission_still_gets_results_with_named_verdicts(package: Path, tmp_path: Path) -> None:
    root = _autograder_root(package, tmp_path)
    shutil.copytree(SUBMISSIONS / "broken" / "syntax_error", root / "submission", dirs_exist_ok=True)
    results = _run_autograder(root)
    forward = _test_of(results, "linear_model", "forward_matches_reference")
    assert forward["output"].startswith("error") and "syntax error" in forward["output"]
    assert all(t["score"] == 0 for t in results["tests"])


@pytest.mark.slow
def test_a_submission_holding_a_link_is_rejected_naming_it(package: Path, tmp_path: Path) -> None:
    root = _autograder_root(package, tmp_path)
    shutil.copy(ROOT / "solutions" / "linear_model.py", root / "submission")
    (root / "submission" / "encoding.py").symlink_to(ROOT / "solutions" / "encoding.py")
    results = _run_autograder(root)
    assert results["score"] == 0 and results["tests"]
    assert all(t["output"].startswith("forbidden") and "links are not accepted" in t["output"]
               and "encoding.py" in t["output"] for t in results["tests"])


@pytest.mark.slow
def test_grading_past_its_time_budget_writes_a_verdict_saying_so(package: Path, tmp_path: Path) -> None:
    root = _autograder_root(package, tmp_path)
    config = AutograderConfig.read(root / "source")
    (root / "source" / CONFIG_NAME).write_text(json.dumps({"exercises": config.exercises, "time_budget_s": 3}))
    shutil.copy(ROOT / "solutions" / "linear_model.py", root / "submission")
    results = _run_autograder(root)
    assert results["score"] == 0 and results["tests"] == []
    assert "stopped" in results["output"] and "3 s" in results["output"]
    assert not list(root.glob(".grading-*")), "the grading's folder is left behind"
    assert os.listdir(root / "submission") == ["linear_model.py"]


@pytest.mark.slow
def test_a_grader_that_cannot_start_still_leaves_a_verdict(package: Path, tmp_path: Path) -> None:
    root = _autograder_root(package, tmp_path)
    broken = root / "venv" / "bin" / "python"  # where setup.sh installs, preferred by run_autograder
    broken.parent.mkdir(parents=True)
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    results = _run_autograder(root)
    assert results["score"] == 0 and "could not start" in results["output"]
