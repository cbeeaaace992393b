"""``grader watch`` and the warm checker under it (grader/check/watch.py, grader/check/warm.py)."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from processes import alive, descendants

from grader import catalog
from grader.check.run import CheckRequest, run_checks
from grader.check.warm import WarmChecker
from grader.check.watch import exercises_touched

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "submissions"


def _verdicts(result) -> list[tuple[str, str, float, str]]:
    return [(c.id, str(c.outcome), c.points, c.message) for c in result.checks]


def test_a_saved_exercise_module_or_notebook_regrades_that_exercise(tmp_path):
    exercises = catalog.select(["linear_model", "encoding", "resnet"])
    touched = exercises_touched([tmp_path / "resnet.py", tmp_path / "linear_model.py", tmp_path / "notes.txt"],
                                tmp_path, exercises)
    assert [e.name for e in touched] == ["linear_model", "resnet"]
    assert [e.name for e in exercises_touched([tmp_path / "encoding.ipynb"], tmp_path, exercises)] == ["encoding"]
    # Jupyter's autosaves, and files outside the submission, are no exercise's.
    assert exercises_touched([tmp_path / ".ipynb_checkpoints" / "encoding-checkpoint.ipynb"], tmp_path,
                             exercises) == []
    assert exercises_touched([tmp_path.parent / "linear_model.py"], tmp_path, exercises) == []


def test_a_saved_helper_regrades_the_exercises_that_import_it(tmp_path):
    exercises = catalog.select(["linear_model", "encoding", "convnet", "resnet", "mlp", "metrics"])
    (tmp_path / "helpers.py").write_text("import torch\n\ndef square(x):\n    return x * x\n")
    (tmp_path / "layers.py").write_text("from helpers import square\n")
    (tmp_path / "linear_model.py").write_text("import torch\nfrom helpers import square\n")
    (tmp_path / "encoding.py").write_text("import torch\n\ndef one_hot(y, n):\n    return None\n")
    (tmp_path / "convnet.py").write_text("import layers.conv\n")  # through a package of the submission
    (tmp_path / "layers").mkdir()
    (tmp_path / "layers" / "__init__.py").write_text("import helpers\n")
    (tmp_path / "layers.py").unlink()
    (tmp_path / "resnet.py").write_text("import importlib\nmodule = importlib.import_module('help' + 'ers')\n")
    (tmp_path / "mlp.py").write_text("def broken(:\n")  # does not parse: cannot tell, so graded again
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("%matplotlib inline\nimport helpers")])
    nbformat.write(nb, tmp_path / "metrics.ipynb")
    touched = exercises_touched([tmp_path / "helpers.py"], tmp_path, exercises)
    assert [e.name for e in touched] == ["linear_model", "convnet", "resnet", "mlp", "metrics"]
    # A module of a package is its package's: the exercises importing the package are graded again.
    assert [e.name for e in exercises_touched([tmp_path / "layers" / "conv.py"], tmp_path, exercises)] == \
        ["convnet", "resnet", "mlp"]
    assert exercises_touched([tmp_path / "unused.py"], tmp_path, exercises) == \
        [e for e in exercises if e.name in ("resnet", "mlp")]


def test_the_warm_checker_gives_the_verdicts_of_a_cold_run(launcher, tmp_path):
    shutil.copy(SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py", tmp_path / "linear_model.py")
    request = CheckRequest(submission=tmp_path, exercises=["linear_model"], include_hidden=True, seed=77)
    cold = run_checks(request, launcher=launcher)
    checker = WarmChecker(launcher)  # the session's zygote: not closed here
    first, again = checker.check(request), checker.check(request)
    assert not cold.all_passed
    assert _verdicts(first) == _verdicts(cold) == _verdicts(again)
    assert first.points == cold.points


@pytest.mark.slow
def test_watch_regrades_only_the_saved_exercise_and_leaves_no_process_after_ctrl_c(tmp_path):
    submission = tmp_path / "exercises"
    submission.mkdir()
    for name in ("linear_model", "thermometer"):
        shutil.copy(ROOT / "solutions" / f"{name}.py", submission / f"{name}.py")
    watcher = subprocess.Popen(
        [sys.executable, "-m", "grader.cli", "watch", "linear_model", "thermometer", "--submission", str(submission)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"})
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in watcher.stdout], daemon=True).start()

    def until(text: str, timeout_s: float = 120) -> list[str]:
        seen, deadline = [], time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                assert watcher.poll() is None, "grader watch ended: " + "".join(seen)
                continue
            seen.append(line)
            if text in line:
                return seen
        raise AssertionError(f"no {text!r} within {timeout_s} s: " + "".join(seen))

    try:
        first = until("Watching")
        assert any("Graded linear_model: 10/10" in line for line in first)
        assert any("Graded thermometer" in line for line in first)
        family = descendants(watcher.pid)
        assert family, "the zygote should be running"
        shutil.copy(SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py", submission / "linear_model.py")
        regraded = until("Graded linear_model")
        assert not any("Graded thermometer" in line for line in regraded)
        assert "10/10" not in regraded[-1]
        family |= descendants(watcher.pid)
        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(timeout=30) == 0
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
    deadline = time.monotonic() + 10
    while any(alive(p) for p in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in family if alive(p)]
