"""How long `grader check --submission solutions` takes, against a bare `import torch, torchvision`."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ("linear_model", "encoding", "convnet", "resnet", "evaluation")
ROUNDS = 3


def _seconds(command: list[str], tmp_path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def test_grader_check_of_the_five_core_exercises_against_a_bare_torch_import(benchmark, tmp_path):
    bare = [sys.executable, "-c", "import torch, torchvision"]
    check = [sys.executable, "-m", "grader.cli", "check", *EXERCISES, "--submission", "solutions", "--out", str(tmp_path)]
    pairs = [(_seconds(bare, tmp_path), _seconds(check, tmp_path)) for _ in range(ROUNDS)]  # A B A B, one run
    ratios = [c / b for b, c in pairs]
    benchmark.extra_info.update(
        bare_import_s=[b for b, _ in pairs], check_s=[c for _, c in pairs],
        ratio_median=statistics.median(ratios), ratios=ratios,
    )
    benchmark.pedantic(_seconds, args=(check, tmp_path), rounds=1, iterations=1)


def test_grader_check_of_one_exercise(benchmark, tmp_path):
    check = [sys.executable, "-m", "grader.cli", "check", "linear_model", "--submission", "solutions", "--out", str(tmp_path)]
    benchmark.pedantic(_seconds, args=(check, tmp_path), rounds=ROUNDS, iterations=1)


def test_grader_check_of_the_whole_course(benchmark, tmp_path):
    check = [sys.executable, "-m", "grader.cli", "check", "--submission", "solutions", "--out", str(tmp_path)]
    benchmark.pedantic(_seconds, args=(check, tmp_path), rounds=1, iterations=1)
